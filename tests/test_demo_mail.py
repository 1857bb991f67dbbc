"""The demo keeps its mail on disk through an SMTP server on loopback: a reminder or a
digest sent during a demo is kept, never attempted against a server that is not there."""

from __future__ import annotations

import dataclasses

from app import mail
from app.cli import demo_mail
from config import Config


def test_mail_sent_during_a_demo_is_kept_in_its_folder(tmp_path):
    folder = tmp_path / "demo-mail"
    (folder).mkdir()
    (folder / "00001.eml").write_bytes(b"from an earlier demo")
    controller, port = demo_mail.start(folder)
    try:
        config = dataclasses.replace(Config.from_env({"INSTANCE_PATH": str(tmp_path)}),
                                     SMTP_HOST="127.0.0.1", SMTP_PORT=port)
        [(_, error)] = mail.send(config, [mail.Mail(to="bea@example.org",
                                                    subject="Your shift starts at 18:00",
                                                    text="See you on the board.")])
        assert error is None
    finally:
        controller.stop()
    kept = sorted(folder.glob("*.eml"))
    assert [p.name for p in kept] == ["00001.eml"]  # the earlier demo's mail is gone
    body = kept[0].read_bytes()
    assert b"Subject: Your shift starts at 18:00" in body and b"bea@example.org" in body
    assert oct(kept[0].stat().st_mode & 0o777) == "0o600"
