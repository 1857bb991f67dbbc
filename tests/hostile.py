"""A deliberately hostile HTTP server on loopback: each path answers with raw bytes.

The simulated blogs (``sim``) speak correct HTTP; a hostile server must be free to drip
its status line, repeat ``100 Continue`` forever or lie about lengths, so handlers here
write straight to the socket. Used by the hostile-input tests and ``bench/hostile.py``.
"""

from __future__ import annotations

import gzip
import io
import socket
import threading
import time
from collections.abc import Callable

Handler = Callable[[socket.socket, dict[str, str]], None]


def reply(status: str = "200 OK", body: bytes = b"", headers: dict | None = None) -> Handler:
    """A handler answering one complete response (Content-Length set for you)."""
    head = {"Content-Type": "application/rss+xml", "Content-Length": str(len(body)),
            "Connection": "close", **(headers or {})}

    def handle(conn: socket.socket, _request: dict[str, str]) -> None:
        lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in head.items()]
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    return handle


def drip(data: bytes, interval: float = 0.2, head: bytes = b"") -> Handler:
    """Send ``head`` at once, then ``data`` one byte every ``interval`` seconds (never idle
    long enough for a read timeout)."""

    def handle(conn: socket.socket, _request: dict[str, str]) -> None:
        conn.sendall(head)
        for i in range(len(data)):
            conn.sendall(data[i:i + 1])
            time.sleep(interval)

    return handle


def endless_continue(interval: float = 0.05, limit: float = 120.0) -> Handler:
    """``100 Continue`` after ``100 Continue``, for up to ``limit`` seconds."""

    def handle(conn: socket.socket, _request: dict[str, str]) -> None:
        ends = time.monotonic() + limit
        while time.monotonic() < ends:
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            time.sleep(interval)

    return handle


def gzip_bomb(inflated: int = 1024 * 1024 * 1024) -> bytes:
    """A gzip stream of ``inflated`` zero bytes (about 1 MB per GB compressed)."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as zipped:
        block = b"\0" * (1024 * 1024)
        for _ in range(inflated // len(block)):
            zipped.write(block)
    return out.getvalue()


class HostileServer:
    """``server.route(path, handler)``; ``server.url(path)``; ``server.hits[path]``."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: dict[str, int] = {}
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def start(self) -> HostileServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._sock.close()

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(10)
                data = b""
                while b"\r\n\r\n" not in data and len(data) < 65536:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    data += chunk
                head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
                path = head[0].split(" ")[1]
                request = {}
                for line in head[1:]:
                    key, _, value = line.partition(":")
                    request[key.strip().lower()] = value.strip()
                self.hits[path] = self.hits.get(path, 0) + 1
                handler = self.routes.get(path) or reply("404 Not Found", b"no such path")
                handler(conn, request)
            except OSError:
                pass  # the client gave up (that is what most hostile cases expect)
