"""Intake fixtures: the simulated blog network on loopback and a fetcher allowed to reach it."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import pytest

from models import Feed, Site
from scrapers.adapters import get_adapter
from scrapers.fetch import Fetcher
from scrapers.types import FetchSettings
from sim import BlogNetwork

SIM_START = datetime(2007, 6, 29, 16, 0, tzinfo=UTC)
PLATFORMS = {"dailykos": "dailykos", "mydd": "scoop", "calitics": "soapblox"}


def fetch_settings(network: BlogNetwork, **overrides) -> FetchSettings:
    host, port = network.base_url.removeprefix("http://").rsplit(":", 1)
    values = dict(user_agent="diaryboost-tests", connect_timeout=2.0, read_timeout=2.0,
                  deadline=5.0, max_bytes=512 * 1024, host_max_concurrency=4,
                  host_min_gap=0.0, private_allowlist=frozenset({(host, int(port))}))
    values.update(overrides)
    return FetchSettings(**values)


def no_delay(network: BlogNetwork) -> None:
    """Turn Nagle off on the simulator's accepted sockets.

    The simulator writes headers and body separately; with Nagle on, the body waits for
    the client's delayed ACK (~40 ms a response), which made every poll 40 ms slower.
    """
    for server, _thread in network._servers:
        accept = server.get_request

        def get_request(accept=accept):
            conn, addr = accept()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return conn, addr

        server.get_request = get_request


@pytest.fixture
def network():
    net = BlogNetwork(seed=1, start=SIM_START)
    net.start()
    no_delay(net)
    yield net
    net.stop()


@pytest.fixture
def fetcher(network):
    with Fetcher(fetch_settings(network)) as f:
        yield f


def add_sim_site(session, network: BlogNetwork, slug: str, *, feeds: int | None = 1,
                 **settings) -> tuple[Site, list[Feed]]:
    """A Site row pointing at the simulated blog ``slug``, with its platform's feeds."""
    platform = PLATFORMS[slug]
    base = network.site_url(slug).rstrip("/")
    site = Site(slug=f"sim-{slug}", name=f"Sim {slug}", base_url=base, platform=platform,
                **settings)
    session.add(site)
    session.flush()
    urls = get_adapter(platform).default_feeds(base)[:feeds]
    rows = [Feed(site_id=site.id, url=url, kind=kind, next_poll_at=network.now)
            for url, kind in urls]
    session.add_all(rows)
    session.flush()
    return site, rows


def add_feed(session, site: Site, url: str) -> Feed:
    feed = Feed(site_id=site.id, url=url, next_poll_at=SIM_START)
    session.add(feed)
    session.flush()
    return feed
