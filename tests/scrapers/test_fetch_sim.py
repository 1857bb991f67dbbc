"""The Fetcher against the simulated blog network on loopback (no database)."""

import gzip
import socket
import threading
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from scrapers.fetch import Fetcher, parse_retry_after
from scrapers.types import FetchSettings
from sim import BlogNetwork

START = datetime(2007, 6, 29, 16, 0, tzinfo=UTC)
FEED = "/dailykos/rss/tag:Community.xml"


@pytest.fixture(scope="module")
def network():
    net = BlogNetwork(seed=3, start=START)
    net.start()
    yield net
    net.stop()


def _port(network) -> int:
    return int(network.base_url.rsplit(":", 1)[1])


def settings_for(network, **overrides) -> FetchSettings:
    values = dict(user_agent="diaryboost/0.1.0 (+http://test)", connect_timeout=2,
                  read_timeout=2, deadline=5, host_min_gap=0.0, host_max_concurrency=4,
                  private_allowlist=frozenset({("127.0.0.1", _port(network))}))
    values.update(overrides)
    return FetchSettings(**values)


@pytest.fixture
def fetcher(network):
    with Fetcher(settings_for(network)) as f:
        yield f


@pytest.fixture
def fault(network):
    """Set a fault for one test; cleared afterwards."""
    paths = []

    def set_fault(path, kind, **params):
        paths.append(path)
        network.set_fault(path, kind, **params)
        return network.url(path)

    yield set_fault
    for path in paths:
        network.set_fault(path, None)


def _requests_for(network, path):
    return [entry for entry in network.request_log if entry.path == path]


def test_conditional_get_returns_304_without_body(network, fetcher):
    first = fetcher.fetch(network.url(FEED))
    assert first.ok and first.status == 200 and b"<rss" in first.body
    assert first.etag and first.last_modified
    again = fetcher.fetch(network.url(FEED), etag=first.etag,
                          last_modified=first.last_modified)
    assert again.status == 304 and again.not_modified
    assert again.body is None and again.error is None
    _, headers = _requests_for(network, FEED)[-1]
    assert headers["If-None-Match"] == first.etag
    assert headers["If-Modified-Since"] == first.last_modified
    assert headers["User-Agent"] == "diaryboost/0.1.0 (+http://test)"


def test_last_modified_alone_gives_304_until_a_new_diary_appears():
    net = BlogNetwork(seed=3, start=START)
    net.start()
    try:
        with Fetcher(settings_for(net)) as fetcher:
            first = fetcher.fetch(net.url("/mydd/backend.rdf"))
            same = fetcher.fetch(net.url("/mydd/backend.rdf"),
                                 last_modified=first.last_modified)
            assert same.status == 304
            net.advance(120)  # new diaries appear at least every 40 simulated minutes
            changed = fetcher.fetch(net.url("/mydd/backend.rdf"),
                                    last_modified=first.last_modified)
            assert changed.status == 200 and changed.body != first.body
    finally:
        net.stop()


def test_gzip_bodies_are_decompressed(network, fetcher):
    result = fetcher.fetch(network.url("/calitics/rss.xml"))
    assert result.headers["content-encoding"] == "gzip"
    assert result.body.startswith(b"<?xml") and b"showDiary.do" in result.body
    _, headers = _requests_for(network, "/calitics/rss.xml")[-1]
    assert "gzip" in headers["Accept-Encoding"]


def test_hanging_server_times_out_with_a_clear_error(network, fault):
    url = fault("/hang.xml", "timeout", seconds=10)
    with Fetcher(settings_for(network, read_timeout=0.3, deadline=2)) as fetcher:
        result = fetcher.fetch(url)
    # The read timeout ended it, not the 10 s hang nor the 2 s overall deadline.
    assert result.status is None and result.body is None
    assert result.error == "timed out: no data for 0.3 s"


def test_slow_drip_stops_at_the_overall_deadline(network, fault):
    url = fault("/mydd/backend.rdf", "slow_drip", interval_ms=20)
    with Fetcher(settings_for(network, read_timeout=1, deadline=0.6)) as fetcher:
        result = fetcher.fetch(url)
    # Every byte came within the read timeout, yet the overall deadline ended it.
    assert result.body is None
    assert result.error == "timed out after 0.6 s (overall deadline)"


@pytest.mark.parametrize("declare_length", [False, True])
def test_oversized_body_stops_at_the_cap(network, fault, declare_length):
    url = fault(f"/big-{declare_length}.xml", "oversized", size=3 * 1024 * 1024,
                declare_length=declare_length)
    with Fetcher(settings_for(network, max_bytes=1024 * 1024)) as fetcher:
        result = fetcher.fetch(url)
    assert result.body is None and not result.ok
    assert result.error == "body larger than the 1 MB cap (stopped reading)"


def test_gzip_bomb_stops_at_the_decompressed_cap(network, fault):
    url = fault("/bomb.xml", "gzip_bomb", inflated=60 * 1024 * 1024)
    with Fetcher(settings_for(network, max_bytes=2 * 1024 * 1024)) as fetcher:
        result = fetcher.fetch(url)
    assert result.error == "body larger than the 2 MB cap (stopped reading)"
    assert result.body is None


def test_redirect_limit(network):
    with Fetcher(settings_for(network, max_redirects=3)) as fetcher:
        ok = fetcher.fetch(network.url("/redirect/3"))
        too_many = fetcher.fetch(network.url("/redirect/4"))
    assert ok.ok and ok.url.endswith("/redirect/0") and ok.permanent_url is None
    assert too_many.error == "too many redirects (more than 3)"


@pytest.mark.parametrize("kind, permanent", [("301", True), ("308", True), ("302", False),
                                             ("307", False)])
def test_permanent_url_only_when_every_hop_is_permanent(network, fetcher, fault, kind,
                                                       permanent):
    url = fault("/calitics/atom.xml", kind)
    result = fetcher.fetch(url)
    assert result.ok and b"<feed" in result.body
    assert result.url == network.url("/moved/calitics/atom.xml")
    assert result.permanent_url == (result.url if permanent else None)


def test_mixed_redirect_chain_is_not_permanent(network, fetcher, fault):
    fault("/a.xml", "301", to="/b.xml")
    fault("/b.xml", "302", to=FEED)
    result = fetcher.fetch(network.url("/a.xml"))
    assert result.ok and result.url == network.url(FEED)
    assert result.permanent_url is None


@pytest.mark.parametrize("kind", ["429", "503"])
def test_retry_after_seconds(network, fetcher, fault, kind):
    result = fetcher.fetch(fault(f"/busy-{kind}.xml", kind, retry_after="90"))
    assert result.status == int(kind) and result.retry_after == 90
    assert result.error.startswith(f"HTTP {kind}") and "retry after 90 s" in result.error


def test_retry_after_http_date_is_measured_against_the_servers_date():
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    later = format_datetime(now.replace(minute=5), usegmt=True)
    assert parse_retry_after(later, format_datetime(now, usegmt=True)) == 300
    assert parse_retry_after("garbage") is None
    assert parse_retry_after(None) is None


def test_gone_and_server_errors_are_values(network, fetcher, fault):
    gone = fetcher.fetch(fault("/gone.xml", "410"))
    assert gone.status == 410 and gone.error == "HTTP 410 Gone" and gone.body is None
    broken = fetcher.fetch(fault("/broken.xml", "500"))
    assert broken.error == "HTTP 500 Internal Server Error"
    missing = fetcher.fetch(network.url("/nothing/here"))
    assert missing.error == "HTTP 404 Not Found"


def test_connection_refused_is_a_value(network):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with Fetcher(settings_for(network, private_allowlist=frozenset({("127.0.0.1", port)}))) \
            as fetcher:
        result = fetcher.fetch(f"http://127.0.0.1:{port}/feed")
    assert result.status is None and result.error == "connection refused"


def test_redirect_to_a_non_allowlisted_loopback_port_is_refused(network, fetcher, fault):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        other = sock.getsockname()[1]
    url = fault("/to-admin.xml", "302", to=f"http://127.0.0.1:{other}/admin")
    result = fetcher.fetch(url)
    assert result.status is None and result.body is None
    assert result.error == ("refused: 127.0.0.1 is a loopback address "
                            "(not on PRIVATE_ADDRESS_ALLOWLIST)")
    assert result.url == f"http://127.0.0.1:{other}/admin"


def test_redirect_to_a_private_address_is_refused(network, fetcher, fault):
    result = fetcher.fetch(fault("/leak.xml", "redirect_private"))
    assert result.error == ("refused: 10.0.0.1 is a private address "
                            "(not on PRIVATE_ADDRESS_ALLOWLIST)")


def test_a_name_resolving_to_loopback_is_refused_at_connect_time(network):
    # "localhost" is not an IP literal, so only the connect-time check can catch it.
    with Fetcher(settings_for(network, private_allowlist=frozenset())) as fetcher:
        result = fetcher.fetch(f"http://localhost:{_port(network)}{FEED}")
    assert result.error is not None and result.error.startswith("refused: localhost (")
    assert "a loopback address" in result.error


def test_unexpected_schemes_are_refused(fetcher):
    assert fetcher.fetch("file:///etc/passwd").error.startswith("refused: only http")


def test_per_host_politeness_limits_concurrency_and_spaces_starts(network, fault):
    paths = [f"/polite/{i}.xml" for i in range(8)]
    for path in paths:
        fault(path, "delay", seconds=0.5)
        network.serve_file(path, b"<rss version='2.0'><channel><title>t</title></channel></rss>",
                           {"Content-Type": "application/rss+xml"})
    # Gap and delay are wide so that scheduling jitter on a loaded 2-core machine cannot
    # blur the property: without politeness all 8 would start together.
    gap = 0.2
    network.clear_log()
    with Fetcher(settings_for(network, host_max_concurrency=2, host_min_gap=gap)) as fetcher:
        results = []
        threads = [threading.Thread(target=lambda p=p: results.append(
            fetcher.fetch(network.url(p)))) for p in paths]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(results) == 8 and all(r.ok for r in results)
    log = sorted((e for e in network.request_log if e.path.startswith("/polite/")),
                 key=lambda e: e.started)
    assert len(log) == 8
    starts = [e.started for e in log]
    assert min(b - a for a, b in zip(starts, starts[1:])) >= gap * 0.5
    overlap = max(sum(1 for o in log if o.started <= e.started < o.finished) for e in log)
    assert overlap == 2  # the limit was reached, and never exceeded


def test_one_fetcher_is_safe_to_share_between_threads(network, fetcher):
    urls = [network.url(p) for p in ("/dailykos/rss/tag:Community.xml", "/mydd/backend.rdf",
                                     "/calitics/rss.xml", "/calitics/atom.xml")] * 4
    results = [None] * len(urls)

    def work(i):
        results[i] = fetcher.fetch(urls[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(urls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r.ok for r in results)
    assert {len(r.body) for r in results[:4]} == {len(r.body) for r in results[4:8]}


def test_gzip_encoded_file_is_decompressed(network, fetcher):
    body = b"<rss version='2.0'><channel><title>deflated</title></channel></rss>"
    network.serve_file("/gz/feed.xml", gzip.compress(body),
                       {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"})
    result = fetcher.fetch(network.url("/gz/feed.xml"))
    assert result.body == body
