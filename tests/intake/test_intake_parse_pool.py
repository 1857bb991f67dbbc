"""Parser processes: a poll of many feeds parses on every core, and never outlives its poller."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from models import Diary, PollLog
from scrapers import decide
from scrapers.decide import FeedState
from scrapers.parse_pool import WORKER_DIED, ParsePool
from scrapers.poll import poll_many
from scrapers.topics import DEFAULT_RULES
from scrapers.types import FetchResult
from tests.conftest import PROJECT_ROOT
from tests.intake.conftest import add_feed, add_sim_site
from tests.intake.parse_signal import SignallingBody
from tests.processes import alive, children, kill_and_orphans, survivors

FEEDS = 6
ENTRIES = 12


def state_for(url: str) -> FeedState:
    return FeedState(id=1, url=url, enabled=True, site_id=1, site_enabled=True,
                     platform="dailykos", crosspost_window_hours=48.0, etag=None,
                     last_modified=None, body_hash=None, interval_seconds=900,
                     error_count=0, title=None, rules=tuple(DEFAULT_RULES))


@pytest.fixture
def pool():
    pool = ParsePool(2)
    yield pool
    pool.close()


def test_a_parser_process_gives_what_parsing_here_gives(pool, network, fetcher):
    url = network.site_url("dailykos") + "rss/tag:Community.xml"
    result = fetcher.fetch(url)
    state = state_for(url)
    there = pool.parse_and_tag(state, result, "hash")
    here = decide.parse_and_tag(state, result, "hash")
    assert there.kind == here.kind == "ok"
    assert there.result is result  # the body is not sent back and forth twice
    assert there.tagged == here.tagged and len(there.tagged) > 5
    assert any(t.match.score > 0 for t in there.tagged)
    assert children(os.getpid()) & set(pool.pids())


def test_a_worker_killed_between_polls_is_replaced(pool, network, fetcher):
    url = network.site_url("dailykos") + "rss/tag:Community.xml"
    result = fetcher.fetch(url)
    assert pool.parse_and_tag(state_for(url), result, "h").kind == "ok"
    workers = pool.pids()
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    assert survivors(workers) == []
    again = pool.parse_and_tag(state_for(url), result, "h")
    assert again.kind == "ok" and again.tagged


def big_feed(entries: int = 20000, port: int | None = None) -> FetchResult:
    """A feed that takes a parser process several seconds. With ``port``, each worker that
    takes it up says so on that port (:mod:`tests.intake.parse_signal`)."""
    items = "".join(f"<item><title>Single payer diary {n}</title>"
                    f"<link>http://kos.example/d/{n}</link></item>" for n in range(entries))
    body = f'<rss version="2.0"><channel>{items}</channel></rss>'.encode()
    if port is not None:
        body = SignallingBody(body, port)
    return FetchResult("http://kos.example/rss", "http://kos.example/rss", 200, body=body)


def parse_while_killing(pool, *, times: int):
    """Parse a big feed in ``pool``, killing the workers each time one has taken it up,
    ``times`` times; returns the decision, the killed pids and the parse's result."""
    with socket.create_server(("127.0.0.1", 0)) as server, ThreadPoolExecutor(1) as thread:
        server.settimeout(60)
        result = big_feed(port=server.getsockname()[1])
        pending = thread.submit(pool.parse_and_tag, state_for(result.url), result, "h")
        killed: set[int] = set()
        for _ in range(times):
            conn, _address = server.accept()  # a worker holds the body: the parse is on
            with conn:
                assert conn.recv(16) == b"parsing"
            assert not pending.done()
            for pid in set(pool.pids()) - killed:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
        return pending.result(timeout=60), killed, result


@pytest.mark.slow
def test_a_feed_whose_worker_dies_mid_parse_is_retried_once(pool):
    decision, killed, _result = parse_while_killing(pool, times=1)
    assert len(killed) == 1
    assert decision.kind == "ok" and len(decision.tagged) == 20000


@pytest.mark.slow
def test_a_feed_that_kills_two_workers_is_an_error_not_a_crash(pool):
    decision, killed, result = parse_while_killing(pool, times=2)
    assert len(killed) == 2
    assert decision.kind == "error" and decision.message == WORKER_DIED
    assert decision.result is result
    small = FetchResult(result.url, result.url, 200, body=result.body[:200] + b"</channel></rss>")
    assert pool.parse_and_tag(state_for(small.url), small, "h").kind == "ok"


def test_a_poll_with_parser_processes_stores_every_feed_once(db_session, session_factory,
                                                            network, fetcher):
    network.configure_bulk(FEEDS, ENTRIES)
    site, _ = add_sim_site(db_session, network, "dailykos", feeds=0)
    feeds = [add_feed(db_session, site, network.url(f"/bulk/feed/{n}.xml"))
             for n in range(FEEDS)]
    ids = [f.id for f in feeds]
    outcomes = poll_many(session_factory, ids, network.now, fetcher, parse_processes=2)
    assert [o.outcome for o in outcomes] == ["ok"] * FEEDS
    assert sum(o.new_count for o in outcomes) == FEEDS * ENTRIES
    assert db_session.scalar(select(func.count(Diary.id))
                             .where(Diary.site_id == site.id)) == FEEDS * ENTRIES
    again = poll_many(session_factory, ids, network.now, fetcher, parse_processes=2)
    assert {o.outcome for o in again} <= {"not_modified", "unchanged"}
    assert db_session.scalar(select(func.count(PollLog.id))
                             .where(PollLog.feed_id.in_(ids))) == 2 * FEEDS


POLLER = """
import os, sys, time
from scrapers import decide
from scrapers.parse_pool import WORKER_DIED, ParsePool
from scrapers.types import FetchResult
from tests.intake.test_intake_parse_pool import state_for

pool = ParsePool(2)
body = b'<rss version="2.0"><channel><item><title>Single payer now</title>' \\
       b'<link>http://kos.example/d/1</link></item></channel></rss>'
result = FetchResult("http://kos.example/rss", "http://kos.example/rss", 200, body=body)
decision = pool.parse_and_tag(state_for("http://kos.example/rss"), result, "h")
assert decision.kind == "ok", decision
print(" ".join(str(p) for p in pool.pids()), flush=True)
time.sleep(60)
"""


@pytest.mark.slow
def test_parser_processes_exit_when_their_poller_is_killed():
    proc = subprocess.Popen([sys.executable, "-c", POLLER], cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, text=True)
    try:
        workers = [int(p) for p in proc.stdout.readline().split()]
        assert workers and all(alive(p) for p in workers)
        assert set(workers) <= children(proc.pid)
        assert kill_and_orphans(proc) == [], "parser processes outlived the poller"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        proc.stdout.close()
