"""The fetcher against its own hostile server on loopback: what a server sends cannot hold
a poll past its deadline, make us read a redirect's body, or pass a 304 off as success."""

from __future__ import annotations

import pytest

from scrapers.fetch import Fetcher
from scrapers.types import FetchSettings
from tests.hostile import HostileServer, drip, endless_continue, gzip_bomb, reply

FEED = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>"
DEADLINE = 1.5


@pytest.fixture
def server():
    with HostileServer() as srv:
        yield srv


def settings(server: HostileServer, **overrides) -> FetchSettings:
    values = dict(connect_timeout=2.0, read_timeout=1.0, deadline=DEADLINE,
                  max_bytes=1024 * 1024, host_min_gap=0.0,
                  private_allowlist=frozenset({server.address}))
    values.update(overrides)
    return FetchSettings(**values)


@pytest.fixture
def fetcher(server):
    with Fetcher(settings(server)) as f:
        yield f


DEADLINE_ERROR = f"timed out after {DEADLINE:g} s (overall deadline)"


def test_a_status_line_dripped_byte_by_byte_ends_at_the_deadline(server, fetcher):
    # One byte every 0.2 s never trips the 1 s read timeout: only the deadline can stop it.
    url = server.route("/drip", drip(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n"))
    result = fetcher.fetch(url)
    assert result.error == DEADLINE_ERROR
    assert result.status is None and result.body is None


def test_headers_dripped_byte_by_byte_end_at_the_deadline(server, fetcher):
    head = b"HTTP/1.1 200 OK\r\n" + b"X-Padding: " + b"a" * 200 + b"\r\n\r\n"
    url = server.route("/drip-headers", drip(head, interval=0.05))
    assert fetcher.fetch(url).error == DEADLINE_ERROR


def test_endless_100_continue_ends_at_the_deadline(server, fetcher):
    url = server.route("/continue", endless_continue())
    result = fetcher.fetch(url)
    assert result.error == DEADLINE_ERROR and result.body is None


def test_a_redirect_body_is_never_read(server, fetcher):
    # A 301 whose body keeps dripping (no length, no end in sight): reading it would hold
    # the fetch past its deadline.
    server.route("/feed.xml", reply(body=FEED))
    url = server.route("/moved", drip(b"x" * 200, interval=0.05, head=(
        b"HTTP/1.1 301 Moved Permanently\r\nLocation: /feed.xml\r\nConnection: close\r\n\r\n")))
    result = fetcher.fetch(url)
    assert result.ok, result.error
    assert result.body == FEED and result.permanent_url == server.url("/feed.xml")


def test_a_gzip_bomb_behind_a_301_is_not_inflated(server, fetcher):
    server.route("/feed.xml", reply(body=FEED))
    url = server.route("/bomb", reply("301 Moved Permanently", gzip_bomb(64 * 1024 * 1024),
                                      {"Location": "/feed.xml", "Content-Encoding": "gzip"}))
    result = fetcher.fetch(url)
    assert result.ok and result.body == FEED


def test_an_unsolicited_304_is_an_error(server, fetcher):
    url = server.route("/304", reply("304 Not Modified"))
    result = fetcher.fetch(url)
    assert not result.ok and not result.not_modified
    assert result.error == ("HTTP 304 Not Modified to a request that sent no validators "
                            "(no ETag or Last-Modified)")
    solicited = fetcher.fetch(url, etag='"v1"')
    assert solicited.not_modified and solicited.error is None


def test_retry_after_also_holds_back_other_requests_to_that_host(server, fetcher):
    busy = server.route("/busy", reply("429 Too Many Requests", b"", {"Retry-After": "120"}))
    other = server.route("/other.xml", reply(body=FEED))
    first = fetcher.fetch(busy)
    assert first.retry_after == 120
    held = fetcher.fetch(other)
    assert not held.ok and held.retry_after is not None and 119 <= held.retry_after <= 120
    assert held.error.startswith("not fetched: 127.0.0.1 asked us to wait (Retry-After)")
    assert "/other.xml" not in server.hits  # the host was not asked again
