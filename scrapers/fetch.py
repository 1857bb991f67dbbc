"""The only network I/O of the intake: one polite, bounded, SSRF-guarded GET.

``Fetcher.fetch`` never raises for network trouble; the outcome (including a one-line
``error``) is a :class:`~scrapers.types.FetchResult`, so one bad feed never stops a poll
run. Everything a hostile or broken server could do to hold a worker is bounded:
connect/read timeouts, an overall deadline that also cuts the socket while a status line
and headers drip in or ``100 Continue`` repeats (:mod:`scrapers.deadline`), a cap on the
*decompressed* size (a gzip bomb stops at the cap), and a redirect limit with every hop
checked by the SSRF guard. A redirect's body is never read: requests' ``Session.send``
reads (and inflates) it to build ``Response.next`` even with ``allow_redirects=False``,
so each hop goes straight to the transport adapter instead.
"""

from __future__ import annotations

import http.cookiejar
import logging
import threading
import time
from datetime import UTC
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import requests
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError

from models.base import utcnow
from scrapers.deadline import deadline as deadline_scope
from scrapers.guard import AddressRefused, GuardedAdapter, check_url, find_refusal
from scrapers.hosts import on_hosts
from scrapers.types import FetchResult, FetchSettings

log = logging.getLogger(__name__)

CHUNK = 16 * 1024
REDIRECTS = {301, 302, 303, 307, 308}
PERMANENT = {301, 308}
POOL_SIZE = 10  # the poll pool has 8 workers; a little headroom for "poll now"
MAX_HOST_HOLD = 24 * 3600.0  # a Retry-After longer than a day is not taken literally


class _DeadlineExceeded(Exception):
    pass


class _TooLarge(Exception):
    pass


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB"
    if n >= 1024:
        return f"{n / 1024:g} KB"
    return f"{n} bytes"


def parse_retry_after(value: str | None, date_header: str | None = None) -> float | None:
    """Seconds to wait from a Retry-After value: delta-seconds or an HTTP-date.

    An HTTP-date is measured against the response's own Date header when present (the
    server's clock, not ours), else against the current time.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    base = None
    if date_header:
        try:
            base = parsedate_to_datetime(date_header)
        except (TypeError, ValueError, IndexError):
            base = None
        if base is not None and base.tzinfo is None:
            base = base.replace(tzinfo=UTC)
    base = base or utcnow()
    return max(0.0, (when - base).total_seconds())


class _HostGate:
    """At most ``limit`` requests at once to one host, starts at least ``gap`` s apart."""

    def __init__(self, limit: int, gap: float):
        self.slots = threading.BoundedSemaphore(max(1, limit))
        self.gap = gap
        self.lock = threading.Lock()
        self.next_start = 0.0
        self.held_until = 0.0  # monotonic; set from a 429/503's Retry-After

    def hold(self, seconds: float) -> None:
        """The host asked us to wait: no request to it starts before then."""
        with self.lock:
            self.held_until = max(self.held_until, time.monotonic() + seconds)

    def held_for(self) -> float:
        return max(0.0, self.held_until - time.monotonic())

    def enter(self) -> float:
        """Block until this thread may start a request; returns seconds waited."""
        began = time.monotonic()
        self.slots.acquire()
        with self.lock:
            # Reserve the next start slot under the lock so two threads never share it.
            now = time.monotonic()
            start = max(now, self.next_start)
            self.next_start = start + self.gap
        if start > now:
            time.sleep(start - now)
        return time.monotonic() - began

    def leave(self) -> None:
        self.slots.release()


class Fetcher:
    """Thread-safe HTTP fetcher shared by all poll workers.

    ``fetch(url, etag=..., last_modified=...)`` does a conditional GET and returns a
    FetchResult: ``status`` 304 with no body when unchanged; ``body`` decompressed and
    capped at ``settings.max_bytes``; ``permanent_url`` when every redirect hop was
    301/308; ``retry_after`` (seconds) from 429/503; ``error`` for anything else.
    Call ``close()`` when done.
    """

    def __init__(self, settings: FetchSettings):
        self.settings = settings
        self._session = requests.Session()
        # Proxies from the environment would make the guard check the proxy, not the site.
        self._session.trust_env = False
        # Feeds need no cookies; a shared jar would leak one site's cookies between polls.
        self._session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(
            allowed_domains=[]))
        adapter = GuardedAdapter(settings.private_allowlist, pool_connections=POOL_SIZE,
                                 pool_maxsize=POOL_SIZE, max_retries=0)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers.clear()
        self._session.headers.update({
            "User-Agent": settings.user_agent,
            "Accept": "application/rss+xml, application/atom+xml, application/rdf+xml, "
                      "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1",
            "Accept-Encoding": "gzip, deflate",
        })
        self._gates: dict[str, _HostGate] = {}
        self._gates_lock = threading.Lock()

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _gate(self, url: str) -> _HostGate:
        host = (urlsplit(url).hostname or "").lower()
        with self._gates_lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = self._gates[host] = _HostGate(self.settings.host_max_concurrency,
                                                     self.settings.host_min_gap)
            return gate

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
              hosts: frozenset[str] | None = None) -> FetchResult:
        """GET ``url`` (conditionally when validators are given). Never raises.

        With ``hosts``, no request leaves them: a redirect to another host is an error,
        not followed (a diary page must not send the poller anywhere it likes)."""
        began = time.monotonic()
        try:
            return self._fetch(url, etag, last_modified, began, hosts)
        except Exception as exc:  # noqa: BLE001 - the contract is "errors are values"
            log.exception("unexpected fetch failure", extra={"url": url})
            return FetchResult(requested_url=url, url=url, status=None,
                               error=f"unexpected error: {type(exc).__name__}: {exc}",
                               elapsed=time.monotonic() - began)

    def _fetch(self, url: str, etag: str | None, last_modified: str | None,
               began: float, hosts: frozenset[str] | None) -> FetchResult:
        s = self.settings
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = began + s.deadline
        current = url
        all_permanent = True
        hops = 0

        def fail(error: str, status: int | None = None, **extra) -> FetchResult:
            return FetchResult(requested_url=url, url=current, status=status, error=error,
                               elapsed=time.monotonic() - began, **extra)

        while True:
            try:
                check_url(current, s.private_allowlist)
            except AddressRefused as err:
                return fail(err.message)
            if hosts is not None and not on_hosts(current, hosts):
                return fail(f"not fetched: {current} is off the site's hosts"
                            + (" (a redirect)" if hops else ""))
            gate = self._gate(current)
            wait = gate.held_for()
            if wait > 0:
                # Sleeping here would hold a poll worker for as long as the host likes;
                # the feed is retried when the host said it may be.
                return fail(f"not fetched: {urlsplit(current).hostname} asked us to wait "
                            f"(Retry-After), {wait:.0f} s left", retry_after=wait)
            # Time spent queueing for the host is politeness, not the server's slowness.
            deadline += gate.enter()
            try:
                outcome = self._one_hop(current, headers, deadline)
            finally:
                gate.leave()
            if isinstance(outcome, str):
                return fail(outcome)
            status, resp_headers, body_or_error = outcome
            if status in REDIRECTS:
                location = resp_headers.get("location")
                if not location:
                    return fail(f"HTTP {status} redirect without a Location header", status)
                if hops >= s.max_redirects:
                    return fail(f"too many redirects (more than {s.max_redirects})", status)
                hops += 1
                all_permanent = all_permanent and status in PERMANENT
                current = urljoin(current, location.strip())
                continue
            break

        elapsed = time.monotonic() - began
        permanent = current if hops and all_permanent and current != url else None
        common = dict(requested_url=url, url=current, status=status, headers=resp_headers,
                      etag=resp_headers.get("etag"),
                      last_modified=resp_headers.get("last-modified"), elapsed=elapsed)
        if status == 304:
            if not headers:
                return FetchResult(error="HTTP 304 Not Modified to a request that sent no "
                                         "validators (no ETag or Last-Modified)", **common)
            return FetchResult(permanent_url=permanent, **common)
        if isinstance(body_or_error, str):
            return FetchResult(error=body_or_error, **common)
        if 200 <= status < 300:
            return FetchResult(body=body_or_error, permanent_url=permanent, **common)
        retry_after = None
        if status in (429, 503):
            retry_after = parse_retry_after(resp_headers.get("retry-after"),
                                            resp_headers.get("date"))
            if retry_after:
                self._gate(current).hold(min(retry_after, MAX_HOST_HOLD))
        reason = f"HTTP {status}"
        phrase = _REASONS.get(status)
        if phrase:
            reason += f" {phrase}"
        if retry_after is not None:
            reason += f" (retry after {retry_after:g} s)"
        return FetchResult(error=reason, retry_after=retry_after, **common)

    def _one_hop(self, url: str, headers: dict, deadline: float):
        """One request. Returns an error string, or (status, headers, body | error)."""
        s = self.settings
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return f"timed out after {s.deadline:g} s (overall deadline)"
        request = self._session.prepare_request(requests.Request("GET", url, headers=headers))
        try:
            with deadline_scope(deadline):
                resp = self._session.get_adapter(url).send(
                    request, stream=True, proxies={},
                    timeout=(min(s.connect_timeout, remaining), min(s.read_timeout, remaining)))
        except requests.exceptions.ConnectTimeout:
            return f"connection timed out after {s.connect_timeout:g} s"
        except requests.exceptions.ReadTimeout:
            return self._timeout_message(deadline)
        except requests.exceptions.RequestException as exc:
            refusal = find_refusal(exc)
            if refusal is not None:
                return refusal.message
            if time.monotonic() >= deadline - 0.05:
                return self._timeout_message(deadline)  # the deadline cut the socket
            return _describe(exc)
        with resp:
            resp_headers = {k.lower(): v for k, v in resp.headers.items()}
            status = resp.status_code
            if not 200 <= status < 300:
                # Redirects, 304s and errors: the body is not wanted.
                return status, resp_headers, b""
            try:
                body = self._read_body(resp, deadline)
            except _DeadlineExceeded:
                return status, resp_headers, self._timeout_message(deadline)
            except _TooLarge:
                return status, resp_headers, (f"body larger than the {_size(s.max_bytes)} "
                                              f"cap (stopped reading)")
            except (ReadTimeoutError, requests.exceptions.ReadTimeout, TimeoutError):
                return status, resp_headers, self._timeout_message(deadline)
            except DecodeError as exc:
                return status, resp_headers, f"could not decompress the body: {_first(exc)}"
            except (ProtocolError, OSError, requests.exceptions.RequestException) as exc:
                return status, resp_headers, f"connection broken while reading: {_first(exc)}"
            return status, resp_headers, body

    def _timeout_message(self, deadline: float) -> str:
        if time.monotonic() >= deadline - 0.05:
            return f"timed out after {self.settings.deadline:g} s (overall deadline)"
        return f"timed out: no data for {self.settings.read_timeout:g} s"

    def _read_body(self, resp: requests.Response, deadline: float) -> bytes:
        cap = self.settings.max_bytes
        declared = resp.headers.get("content-length")
        if (declared and declared.isdigit() and int(declared) > cap
                and not resp.headers.get("content-encoding")):
            raise _TooLarge
        raw = resp.raw
        sock = getattr(getattr(raw, "_connection", None), "sock", None)
        parts: list[bytes] = []
        total = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _DeadlineExceeded
            if sock is not None:
                # A server that sends nothing must not outlive the deadline either.
                sock.settimeout(max(0.01, min(self.settings.read_timeout, remaining)))
            # read1 returns whatever has arrived (a drip can't make us wait for a full
            # chunk) and bounds the decompressed output, so a bomb inflates CHUNK at a time.
            chunk = raw.read1(CHUNK, decode_content=True)
            if not chunk:
                break
            total += len(chunk)
            if total > cap:
                raise _TooLarge
            parts.append(chunk)
        return b"".join(parts)


def _first(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _describe(exc: requests.exceptions.RequestException) -> str:
    """One line for a connection-level failure."""
    root: BaseException = exc
    seen = set()
    while True:
        nxt = getattr(root, "reason", None) or root.__cause__ or root.__context__
        if nxt is None or id(nxt) in seen:
            break
        seen.add(id(nxt))
        root = nxt
    text = _first(root)
    if "Name or service not known" in text or "NameResolutionError" in type(root).__name__ \
            or "getaddrinfo" in text or "nodename nor servname" in text:
        return "could not resolve the host name"
    if isinstance(root, ConnectionRefusedError) or "Connection refused" in text:
        return "connection refused"
    if isinstance(exc, requests.exceptions.SSLError):
        return f"TLS error: {text}"
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema
                  | requests.exceptions.InvalidSchema):
        return f"invalid URL: {text}"
    return f"connection failed: {text}"


_REASONS = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout", 410: "Gone",
    429: "Too Many Requests", 451: "Unavailable For Legal Reasons",
    500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
    504: "Gateway Timeout",
}
