"""A feed body that says when a parser process has taken it up.

Pickled to a parser process, :class:`SignallingBody` unpickles there by connecting to a
socket of the test and then becoming plain bytes: the test's ``accept()`` returns when a
worker holds the body and is starting its parse, so the test kills a worker mid-parse
without guessing how long the worker takes to start. Kept apart from the test module so
a spawned worker imports nothing heavy to run it.
"""

from __future__ import annotations

import socket


def _arrived(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(b"parsing")
    return data


class SignallingBody(bytes):
    port: int

    def __new__(cls, data: bytes, port: int):
        body = super().__new__(cls, data)
        body.port = port
        return body

    def __reduce__(self):
        return _arrived, (self.port, bytes(self))
