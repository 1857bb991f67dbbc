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


# Hostile feeds --------------------------------------------------------------------------
# Each builder routes one case on ``server`` and returns the URL to poll. The tests check
# what each poll stored or recorded; bench/hostile.py times the same cases.

def rss(items: bytes, *, title: bytes = b"Hostile", decl: bytes | None = None) -> bytes:
    decl = b"<?xml version='1.0' encoding='utf-8'?>" if decl is None else decl
    return (decl + b"<rss version='2.0'><channel><title>" + title + b"</title>"
            + b"<link>http://blog.example.org/</link>" + items + b"</channel></rss>")


def item(n: int, title: bytes = b"", *, guid: bytes | None = None, link: bytes | None = None,
         extra: bytes = b"") -> bytes:
    title = title or b"Diary number %d" % n
    link = b"http://blog.example.org/diary/%d" % n if link is None else link
    guid = b"g-%d" % n if guid is None else guid
    return (b"<item><title>" + title + b"</title><link>" + link + b"</link>"
            b"<guid isPermaLink='false'>" + guid + b"</guid>" + extra + b"</item>")


def _feed(body: bytes, **headers: str) -> Handler:
    return reply(body=body, headers={"Content-Type": "application/rss+xml", **headers})


def entity_blowup() -> bytes:
    """Quadratic blow-up: one 10 kB entity referenced 10,000 times (100 MB expanded)."""
    refs = b"&a;" * 10_000
    return (b"<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY a '" + b"x" * 10_000 + b"'>]>"
            + rss(item(1, refs), decl=b""))


def nested(depth: int = 50_000) -> bytes:
    deep = b"Intro " + b"&lt;div&gt;" * depth + b"deep" + b"&lt;/div&gt;" * depth
    return rss(item(1, extra=b"<description>" + deep + b"</description>") + item(2))


NASTY_TITLE = b"Bad&#1; \x1b[31mred\x1b[0m &#x7; title &#xFFFE;&#x85;\xc2\x9b end\r\nsecond"


def nastiest() -> bytes:
    """Control characters in every field a feed can fill."""
    return rss(
        item(1, NASTY_TITLE + b" single payer",
             extra=b"<author>Bcc: victim@example.com (Evil\x07 Twin</author>"
                   b"<category>health\x1b care</category>"
                   b"<description>&lt;p&gt;Ring\x07 &amp;#1; &amp;#x9b; bell&lt;/p&gt;"
                   b"</description>")
        + item(2, b"Obfuscated single payer", link=b"jav&amp;#x61;script:alert(1)")
        + item(3, b"Tabbed single payer", link=b"java&#x09;script:alert(2)")
        + item(4, b"Data single payer", link=b" data:text/html,&lt;b&gt;x")
        + item(5, b"Fine single payer"),
        title=b"Hostile\r\nFeed\x1b title")


def dated(dates: list[bytes]) -> bytes:
    return rss(b"".join(item(n, extra=b"<pubDate>" + when + b"</pubDate>")
                        for n, when in enumerate(dates, 1)))


FEEDS: dict[str, Callable[[], Handler]] = {
    "entity blow-up": lambda: _feed(entity_blowup()),
    "50,000-deep nested summary": lambda: _feed(nested()),
    "surrogate in one item": lambda: _feed(rss(item(1, b"Bad &#xD800; one") + item(2)
                                               + item(3, b"Caf\xc3\xa9"))),
    "one bad UTF-8 byte": lambda: _feed(rss(item(1, b"Bad \xff byte") + item(2, b"Caf\xc3\xa9"))),
    "repeated guid": lambda: _feed(rss(item(1) + item(2, guid=b"g-1") + item(3, guid=b"g-1"))),
    "far-future and epoch dates": lambda: _feed(dated([
        b"Tue, 01 Jan 2999 00:00:00 GMT", b"Thu, 01 Jan 1970 00:00:00 GMT",
        b"Mon, 01 Jan 0001 00:00:00 GMT", b"1183132800", b"Fri, 29 Jun 2007 16:00:00 +2500",
        b"Fri, 29 Jun 2007 16:00:00 GMT"])),
    "unclosed description": lambda: _feed(rss(
        item(1, extra=b"<description>never closed") + item(2) + item(3))),
    "unsolicited 304": lambda: reply("304 Not Modified"),
    "control characters": lambda: _feed(nastiest()),
    # A 300-byte reason phrase, one byte every 0.2 s: a minute for the status line alone.
    "byte-drip of the status line": lambda: drip(b"HTTP/1.1 200 " + b"O" * 300
                                                 + b"K\r\n\r\n" + rss(item(1))),
    "endless 100 Continue": lambda: endless_continue(),
}


def churning_guids(poll: int) -> Handler:
    """The same three diaries, under new guids on every fetch."""
    return _feed(rss(b"".join(item(n, guid=b"churn-%d-%d" % (poll, n)) for n in (1, 2, 3))))


def bomb_behind_301(server: HostileServer, inflated: int = 1024 * 1024 * 1024) -> str:
    server.route("/after-bomb.xml", _feed(rss(item(1))))
    return server.route("/bomb.xml", reply("301 Moved Permanently", gzip_bomb(inflated), {
        "Location": "/after-bomb.xml", "Content-Encoding": "gzip"}))


def nested_page(depth: int = 50_000) -> Handler:
    body = (b"<html><body>" + b"<div>" * depth + b"<span class='recommends'>7</span>"
            + b"</div>" * depth + b"</body></html>")
    return reply(body=body, headers={"Content-Type": "text/html"})


def churning() -> Handler:
    """Like churning_guids, counting its own fetches: new guids on every request."""
    fetches = iter(range(1, 1_000_000))

    def handle(conn: socket.socket, request: dict[str, str]) -> None:
        churning_guids(next(fetches))(conn, request)

    return handle
