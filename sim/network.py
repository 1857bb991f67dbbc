"""BlogNetwork: the simulated blogs on a local threaded HTTP server.

One port serves all sites under their prefixes (``/dailykos/``, ``/mydd/``,
``/calitics/``), the benchmark's ``/bulk/feed/<n>.xml``, ``/redirect/<n>`` chains and any
file registered with :meth:`BlogNetwork.serve_file`. Time is a parameter: ``advance``
moves the simulated clock (counts grow, new diaries appear); ``live=True`` also follows
the wall clock. Faults are set per path with :meth:`BlogNetwork.set_fault`.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from sim.sites import SITE_CLASSES, Reply, not_found, rfc822

FAULTS = {"500", "503", "delay", "timeout", "slow_drip", "304", "301", "302", "307", "308", "410",
          "429", "oversized", "gzip_bomb", "malformed_xml", "wrong_encoding",
          "redirect_private", "etag_stuck"}
BULK_MINUTES_PER_ENTRY = 30


class LoggedRequest(tuple):
    """``(path, headers)`` as received, plus ``host``, ``started`` and ``finished``
    (``time.monotonic()`` values) for politeness measurements."""

    def __new__(cls, path: str, headers: dict, host: str, started: float):
        self = super().__new__(cls, (path, headers))
        self.host = host
        self.started = started
        self.finished: float | None = None
        return self

    @property
    def path(self) -> str:
        return self[0]

    @property
    def headers(self) -> dict:
        return self[1]


class Headers(dict):
    """Request headers; lookups ignore case."""

    def __init__(self, pairs):
        super().__init__((k.lower(), v) for k, v in pairs)

    def __getitem__(self, key):
        return super().__getitem__(key.lower())

    def __contains__(self, key):
        return super().__contains__(str(key).lower())

    def get(self, key, default=None):
        return super().get(key.lower(), default)


_bomb_cache: dict[int, bytes] = {}


def gzip_bomb(inflated: int) -> bytes:
    """A small gzip body that inflates to ``inflated`` bytes (concatenated members)."""
    if inflated not in _bomb_cache:
        block = 1024 * 1024
        member = gzip.compress(b"\0" * block, compresslevel=9)
        count = -(-inflated // block)
        _bomb_cache[inflated] = member * count
    return _bomb_cache[inflated]


class BlogNetwork:
    """Simulated Daily Kos (``/dailykos/``), MyDD (Scoop, ``/mydd/``) and Calitics
    (SoapBlox, ``/calitics/``) on one local port. See the module docstring."""

    def __init__(self, seed: int = 1, start: datetime | None = None, *, live: bool = False,
                 bulk_feeds: int = 20, bulk_entries: int = 50):
        if start is None:
            start = datetime.now(UTC).replace(second=0, microsecond=0)
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self.seed = seed
        self.start_at = start.astimezone(UTC)
        self.live = live
        self.sites = {cls.slug: cls(seed, self.start_at) for cls in SITE_CLASSES}
        self.request_log: list[LoggedRequest] = []
        self._offset = timedelta()
        self._wall0 = time.monotonic()
        self._lock = threading.Lock()
        self._faults: dict[str, tuple[str, dict]] = {}
        self._files: dict[str, tuple[bytes, dict]] = {}
        self._servers: list[tuple[ThreadingHTTPServer, threading.Thread]] = []
        self._stopping = threading.Event()
        self._bulk: tuple[int, int] = (bulk_feeds, bulk_entries)
        self._bulk_cache: dict[tuple[int, int, int], bytes] = {}
        self.base_url: str | None = None

    # -- time ---------------------------------------------------------------------------
    @property
    def now(self) -> datetime:
        with self._lock:
            now = self.start_at + self._offset
        if self.live:
            now += timedelta(seconds=time.monotonic() - self._wall0)
        return now

    def advance(self, minutes: float) -> datetime:
        """Move simulated time forward; returns the new simulated now."""
        with self._lock:
            self._offset += timedelta(minutes=minutes)
        return self.now

    # -- control ------------------------------------------------------------------------
    def set_fault(self, path: str, fault: str | None, **params) -> None:
        """Make requests for ``path`` misbehave; ``fault=None`` clears it.

        ``path`` is matched with its query string first, then without. Faults and params:
        "500"; "delay" (answer normally after ``seconds``=1); "503"/"429"
        (``retry_after``="120", seconds or an HTTP-date);
        "timeout" (hang ``seconds``=60 before closing); "slow_drip" (the real body, one
        byte every ``interval_ms``=200); "304" (always 304); "301"/"302"/"307"/"308"
        (to ``to``, default ``/moved`` + path, which serves the same content); "410";
        "oversized" (``size``=6 MB, no Content-Length unless ``declare_length``);
        "gzip_bomb" (inflates to ``inflated``=60 MB, Content-Encoding: gzip);
        "malformed_xml" (broken XML that still has entries); "wrong_encoding" (says
        utf-8, sends windows-1252); "redirect_private" (302 to ``to``,
        default http://10.0.0.1/); "etag_stuck" (ETag never changes; with ``honor``=True
        it still answers 304 to that ETag, so a client trusting it never sees new items).
        """
        if fault is not None and fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; choose from {sorted(FAULTS)}")
        with self._lock:
            if fault is None:
                self._faults.pop(path, None)
            else:
                self._faults[path] = (fault, params)

    def set_redesigned(self, slug: str, redesigned: bool = True) -> None:
        """Serve ``slug``'s diary pages in a markup none of the adapters know (or back)."""
        self.sites[slug].redesigned = redesigned

    def serve_file(self, path: str, body: bytes, headers: dict | None = None) -> str:
        """Serve ``body`` at ``path`` with ``headers`` (Content-Length added); returns URL."""
        with self._lock:
            self._files[path] = (body, dict(headers or {}))
        return self.url(path) if self.base_url else path

    def configure_bulk(self, feeds: int, entries: int) -> None:
        """Size of the benchmark's ``/bulk/feed/<n>.xml`` set (n in 0..feeds-1)."""
        with self._lock:
            self._bulk = (feeds, entries)
            self._bulk_cache.clear()

    def clear_log(self) -> None:
        with self._lock:
            self.request_log.clear()

    def url(self, path: str) -> str:
        if self.base_url is None:
            raise RuntimeError("the network is not started")
        return self.base_url + "/" + path.lstrip("/")

    def site_url(self, slug: str) -> str:
        return self.url(f"/{slug}/")

    def diaries(self, slug: str) -> list:
        """The diaries visible now on a site, oldest first (SimDiary values)."""
        return self.sites[slug].timeline.visible(self.now)

    def diary_url(self, slug: str, diary) -> str:
        return self.sites[slug].diary_url(diary, self.site_url(slug))

    # -- serving ------------------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start serving on ``host:port`` (0: any free port); returns the base URL."""
        server = _Server((host, port), _Handler)
        server.network = self
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                  name=f"blognetwork-{host}", daemon=True)
        thread.start()
        self._servers.append((server, thread))
        real_host, real_port = server.server_address[:2]
        url = f"http://{real_host}:{real_port}"
        if self.base_url is None:
            self.base_url = url
        return url

    def start_many(self, hosts, port: int = 0) -> list[str]:
        """One server per loopback address (127.0.0.2 ...), sharing this state."""
        urls = []
        for host in hosts:
            url = self.start(host, port)
            port = int(url.rsplit(":", 1)[1])
            urls.append(url)
        return urls

    def stop(self) -> None:
        self._stopping.set()
        for server, thread in self._servers:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
        self._servers.clear()

    def __enter__(self) -> BlogNetwork:
        if self.base_url is None:
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- request handling ---------------------------------------------------------------
    def _log(self, path: str, headers: Headers, host: str) -> LoggedRequest:
        entry = LoggedRequest(path, headers, host, time.monotonic())
        with self._lock:
            self.request_log.append(entry)
        return entry

    def _fault_for(self, raw_path: str) -> tuple[str, dict] | None:
        with self._lock:
            return self._faults.get(raw_path) or self._faults.get(raw_path.split("?", 1)[0])

    def route(self, raw_path: str, host_header: str) -> Reply:
        """The normal answer for a path, ignoring faults and conditional headers."""
        parts = urlsplit(raw_path)
        path = parts.path
        if path.startswith("/moved/"):
            path = path[len("/moved"):]
        with self._lock:
            served = self._files.get(raw_path) or self._files.get(path)
        if served is not None:
            body, headers = served
            reply = Reply(200, body, headers.get("Content-Type", "application/octet-stream"))
            reply.headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
            return reply
        root = f"http://{host_header}"
        segments = path.lstrip("/").split("/", 1)
        first = segments[0]
        rest = segments[1] if len(segments) > 1 else ""
        if first in self.sites:
            query = dict(parse_qsl(parts.query))
            return self.sites[first].route(rest, query, self.now, f"{root}/{first}/")
        if first == "bulk" and rest.startswith("feed/") and rest.endswith(".xml"):
            number = rest[len("feed/"):-len(".xml")]
            if number.isdigit():
                return self._bulk_feed(int(number), root)
        if first == "redirect" and rest.isdigit():
            left = int(rest)
            if left <= 0:
                return self.sites["dailykos"].route("rss/tag:Community.xml", {}, self.now,
                                                    f"{root}/dailykos/")
            return Reply(302, b"", headers={"Location": f"{root}/redirect/{left - 1}"})
        if path == "/":
            links = "".join(f"<li><a href=\"/{slug}/\">{escape(site.name)}</a></li>"
                            for slug, site in self.sites.items())
            return Reply(200, f"<html><body><ul>{links}</ul></body></html>".encode())
        return not_found()

    def _bulk_feed(self, number: int, root: str) -> Reply:
        feeds, entries = self._bulk
        if number >= feeds:
            return not_found()
        minutes = int((self.now - self.start_at).total_seconds() // 60)
        tick = max(0, minutes // BULK_MINUTES_PER_ENTRY)
        key = (number, tick, entries)
        body = self._bulk_cache.get(key)
        newest = self.start_at + timedelta(minutes=tick * BULK_MINUTES_PER_ENTRY)
        if body is None:
            items = []
            for i in range(tick + entries, tick, -1):
                when = self.start_at + timedelta(minutes=(i - entries) * BULK_MINUTES_PER_ENTRY)
                link = f"{root}/bulk/{number}/entry/{i}"
                topic = "single payer health care" if i % 3 == 0 else "the state budget"
                # Like a real blog network: each blog has its own writers, and a few
                # health-care diaries (1 in 8) are cross-posted by one writer on two
                # neighbouring blogs under the same title.
                crossposted = i % 24 == 0
                writer = f"xp{number // 2}-{i}" if crossposted else f"w{number}-{i % 17}"
                title = (f"Cross-posted diary {number // 2}-{i} on {topic}" if crossposted
                         else f"Bulk diary {number}-{i} on {topic}")
                summary = (f'<p>Entry {i} about {topic}. <a href="/x/{i}">more</a> '
                           '<em>really</em>.</p>')
                items.append(
                    f"<item><title>{title}</title>"
                    f"<link>{link}</link><guid>{link}</guid>"
                    f"<author>{writer}@example.org ({writer})</author>"
                    f"<category>{'health care' if i % 3 == 0 else 'budget'}</category>"
                    f"<pubDate>{rfc822(when)}</pubDate>"
                    f"<description>{escape(summary)}</description></item>\n")
            body = ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>"
                    f"<title>Bulk feed {number}</title><link>{root}/bulk/{number}</link>"
                    "<description>benchmark</description>\n" + "".join(items)
                    + "</channel></rss>\n").encode()
            self._bulk_cache[key] = body
        return Reply(200, body, "application/rss+xml; charset=utf-8", last_modified=newest)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body, usedforsecurity=False).hexdigest()[:16] + '"'


def _not_modified(headers: Headers, etag: str, last_modified: datetime | None) -> bool:
    inm = headers.get("if-none-match")
    if inm is not None:
        return etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
    ims = headers.get("if-modified-since")
    if ims and last_modified is not None:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        return last_modified.replace(microsecond=0) <= since
    return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    network: BlogNetwork

    def handle_error(self, request, client_address):
        # Clients hanging up (timeouts, caps, idle keep-alive) are normal here.
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    server_version = "SimBlog/1.0"

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass  # the request_log is the record; stderr noise would drown test output

    def do_HEAD(self):  # noqa: N802 - stdlib naming
        self.do_GET(head=True)

    def do_GET(self, head: bool = False):  # noqa: N802 - stdlib naming
        network = self.server.network
        headers = Headers(self.headers.items())
        entry = network._log(self.path, headers, self.server.server_address[0])
        try:
            self._answer(network, headers, head)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True
        finally:
            entry.finished = time.monotonic()

    def _send(self, status: int, headers: dict, body: bytes, head: bool = False) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and body:
            self.wfile.write(body)

    def _answer(self, network: BlogNetwork, headers: Headers, head: bool) -> None:
        host = headers.get("host") or "{}:{}".format(*self.server.server_address[:2])
        fault = network._fault_for(self.path)
        kind, params = fault if fault else (None, {})
        if kind in ("500", "410"):
            self._send(int(kind), {"Content-Type": "text/html"}, f"<h1>{kind}</h1>".encode())
            return
        if kind in ("429", "503"):
            self._send(int(kind), {"Content-Type": "text/html",
                                   "Retry-After": str(params.get("retry_after", "120")),
                                   "Date": format_datetime(datetime.now(UTC), usegmt=True)},
                       b"<h1>slow down</h1>")
            return
        if kind == "304":
            self._send(304, {}, b"")
            return
        if kind in ("301", "302", "307", "308", "redirect_private"):
            default = "http://10.0.0.1/" if kind == "redirect_private" else \
                f"http://{host}/moved{self.path}"
            target = params.get("to", default)
            if target.startswith("/"):
                target = f"http://{host}{target}"
            status = 302 if kind == "redirect_private" else int(kind)
            self._send(status, {"Location": target}, b"")
            return
        if kind == "timeout":
            network._stopping.wait(float(params.get("seconds", 60)))
            self.close_connection = True
            return
        if kind == "delay" and network._stopping.wait(float(params.get("seconds", 1))):
            return
        if kind == "oversized":
            self._oversized(int(params.get("size", 6 * 1024 * 1024)),
                            bool(params.get("declare_length", False)))
            return
        if kind == "gzip_bomb":
            body = gzip_bomb(int(params.get("inflated", 60 * 1024 * 1024)))
            self._send(200, {"Content-Type": "application/rss+xml",
                             "Content-Encoding": "gzip"}, body, head)
            return

        reply = network.route(self.path, host)
        body = reply.body
        out = {"Content-Type": reply.content_type, **reply.headers}
        if reply.status != 200:
            self._send(reply.status, out, body, head)
            return
        if kind == "malformed_xml":
            body = _break_xml(body)
        elif kind == "wrong_encoding":
            body = body.decode("utf-8").encode("cp1252", errors="replace")
        etag = '"stuck"' if kind == "etag_stuck" else _etag(body)
        honored = kind != "etag_stuck" or params.get("honor", True)
        if honored and _not_modified(headers, etag, None if kind == "etag_stuck"
                                     else reply.last_modified):
            self._send(304, {"ETag": etag}, b"")
            return
        out["ETag"] = etag
        if reply.last_modified is not None and kind != "etag_stuck":
            out["Last-Modified"] = rfc822(reply.last_modified)
        if "gzip" in (headers.get("accept-encoding") or "") and len(body) > 1024 \
                and kind != "slow_drip" and "Content-Encoding" not in out:
            body = gzip.compress(body, compresslevel=5)
            out["Content-Encoding"] = "gzip"
            out["Vary"] = "Accept-Encoding"
        if kind == "slow_drip":
            self._drip(out, body, float(params.get("interval_ms", 200)) / 1000)
            return
        self._send(200, out, body, head)

    def _drip(self, headers: dict, body: bytes, interval: float) -> None:
        self.close_connection = True
        self.send_response(200)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        for i in range(len(body)):
            if self.server.network._stopping.wait(interval):
                return
            self.wfile.write(body[i:i + 1])

    def _oversized(self, size: int, declare_length: bool) -> None:
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        if declare_length:
            self.send_header("Content-Length", str(size))
        self.send_header("Connection", "close")
        self.end_headers()
        head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>'
        self.wfile.write(head)
        sent = len(head)
        filler = b"<!-- " + b"x" * 65500 + b" -->"
        while sent < size:
            if self.server.network._stopping.is_set():
                return
            piece = filler[: size - sent]
            self.wfile.write(piece)
            sent += len(piece)


def _break_xml(body: bytes) -> bytes:
    """Ill-formed but still readable: a bare ampersand, an unclosed tag, no end tags."""
    text = body.decode("utf-8")
    text = text.replace("</title>", " & friends</title>", 2)
    text = text.replace("<description>", "<description><br>", 1)
    text = text.replace("</channel>", "").replace("</rss>", "").replace("</feed>", "")
    return text.encode("utf-8")
