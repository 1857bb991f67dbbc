"""The demo's mail: kept on disk by an SMTP server on loopback, never sent anywhere.

Shift reminders, digests and calls for help go out on the scheduler's own clock; in a
demo there is no mail server to take them, and each attempt failed and was retried with
a warning (when a demo shift was due to start within the reminder lead, or the digest's
hour came). The demo runs this sink instead (aiosmtpd, installed with the dev extras that
`make demo` installs) and says where the mail went; without aiosmtpd the demo keeps the
configured SMTP server.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from pathlib import Path


@dataclass
class _Keep:
    folder: Path
    count: int = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        self.count += 1
        path = self.folder / f"{self.count:05d}.eml"
        path.write_bytes(envelope.content)
        path.chmod(0o600)
        return "250 OK"


def start(folder: Path, host: str = "127.0.0.1"):
    """An SMTP server on a free port of ``host`` that writes each mail to ``folder``;
    returns (controller, port), or None when aiosmtpd is not installed."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        return None
    # Its per-connection lines would bury the demo's own output.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()
    with socket.socket() as s:
        s.bind((host, 0))
        port = s.getsockname()[1]
    controller = Controller(_Keep(folder), hostname=host, port=port)
    controller.start()
    return controller, port
