"""An overall deadline for one fetch that also covers what happens inside a socket read.

Read timeouts bound the silence between two bytes, not the whole exchange: a server that
drips its status line one byte a second, or sends ``100 Continue`` forever, never lets a
single read time out, and urllib3 reads the status line and headers in one call we
cannot interrupt between bytes. So the fetcher sets a per-thread deadline, and while a
response head is being read a timer shuts the socket down when that deadline passes:
the blocked read then ends at once and the fetch reports the deadline.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TypeVar

T = TypeVar("T")
_local = threading.local()


@contextmanager
def deadline(at: float) -> Iterator[None]:
    """Requests made by this thread inside the block must end by ``at`` (monotonic)."""
    previous = getattr(_local, "at", None)
    _local.at = at
    try:
        yield
    finally:
        _local.at = previous


def _cut(sock: socket.socket) -> None:
    with suppress(OSError):  # already closed: nothing left to interrupt
        sock.shutdown(socket.SHUT_RDWR)


def bounded(sock: socket.socket | None, call: Callable[[], T]) -> T:
    """Run ``call`` (which reads from ``sock``), cutting ``sock`` at this thread's deadline."""
    at = getattr(_local, "at", None)
    if at is None or sock is None:
        return call()
    timer = threading.Timer(max(0.0, at - time.monotonic()), _cut, (sock,))
    timer.daemon = True
    timer.start()
    try:
        return call()
    finally:
        timer.cancel()
