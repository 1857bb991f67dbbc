"""Intake benchmark: 500 feeds × 50 entries from the simulator's bulk mode on loopback.

Prints (a) entries/s through parse + tag + store vs ``feedparser.parse`` alone on the same
bytes (one thread, no parser processes), (b) the wall time of one full poll of all feeds
(temp SQLite database; POLL_PARSE_PROCESSES parser processes, one per core by default) and
of a second poll where every feed answers 304, (c) peak RSS of the poller plus its parser
processes, and lemon24's ``reader`` updating
the same 500 feeds with its own fetcher, for comparison. Not a test: run it with
``.venv/bin/python bench/ingest.py`` (``make bench`` does).

The simulator runs in a child process (its HTTP work must not share our GIL) on
127.0.0.2 … 127.0.0.9, so per-host politeness applies; PRIVATE_ADDRESS_ALLOWLIST lists
those addresses and HOST_MIN_GAP is 0.005 s.
"""

from __future__ import annotations

import gc
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FEEDS = int(os.environ.get("BENCH_FEEDS", "500"))
ENTRIES = int(os.environ.get("BENCH_ENTRIES", "50"))
HOSTS = [f"127.0.0.{i}" for i in range(2, 10)]
WORKERS = 8

SERVER = """
import socket, sys
from sim import BlogNetwork
net = BlogNetwork(seed=1, bulk_feeds={feeds}, bulk_entries={entries})
urls = net.start_many({hosts!r})
for server, _ in net._servers:  # headers and body go out in two writes: no Nagle wait
    accept = server.get_request
    def get_request(accept=accept):
        conn, addr = accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn, addr
    server.get_request = get_request
print(urls[0].rsplit(":", 1)[1], flush=True)
sys.stdin.read()
net.stop()
"""


def start_simulator() -> tuple[subprocess.Popen, int]:
    code = SERVER.format(feeds=FEEDS, entries=ENTRIES, hosts=HOSTS)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    port = int(proc.stdout.readline())
    return proc, port


def feed_urls(port: int) -> list[str]:
    return [f"http://{HOSTS[n % len(HOSTS)]}:{port}/bulk/feed/{n}.xml" for n in range(FEEDS)]


def fresh_db(directory: str, name: str):
    from models import make_engine, make_session_factory
    from models.migrate import upgrade

    engine = make_engine(f"sqlite:///{directory}/{name}.db")
    upgrade(engine)
    return engine, make_session_factory(engine)


def add_feeds(sessions, urls: list[str]) -> dict[str, int]:
    from models import Feed, Site
    from models.base import utcnow

    ids = {}
    with sessions() as session:
        sites = {}
        for host in HOSTS:
            site = Site(slug=host.replace(".", "-"), name=f"Bulk {host}",
                        base_url=f"http://{host}/", platform="generic")
            session.add(site)
            sites[host] = site
        session.flush()
        for url in urls:
            host = url.split("/")[2].split(":")[0]
            feed = Feed(site_id=sites[host].id, url=url, next_poll_at=utcnow())
            session.add(feed)
            session.flush()
            ids[url] = feed.id
        session.commit()
    return ids


def bench_throughput(tmp: str, config, urls: list[str]) -> tuple[float, float, float, int]:
    """(a): the same bytes through feedparser alone and through parse + tag + store."""
    import feedparser

    from models.base import utcnow
    from scrapers import store
    from scrapers.adapters import get_adapter
    from scrapers.fetch import Fetcher
    from scrapers.parse import parse_feed
    from scrapers.topics import compile_rules, tag_entries
    from scrapers.types import FetchSettings

    with Fetcher(FetchSettings.from_config(config)) as fetcher:
        fetched = [fetcher.fetch(url) for url in urls]
    assert all(r.ok for r in fetched), [r.error for r in fetched if not r.ok][:3]

    # Both sides warm up on one body first: modules imported lazily on a first parse are
    # paid once per process (at the poller's start), not per entry.
    feedparser.parse(fetched[0].body, response_headers=dict(fetched[0].headers))
    gc.collect()
    began = time.perf_counter()
    total = 0
    for r in fetched:
        total += len(feedparser.parse(r.body, response_headers=dict(r.headers)).entries)
    feedparser_s = time.perf_counter() - began

    engine, sessions = fresh_db(tmp, "throughput")
    ids = add_feeds(sessions, urls)
    with sessions() as session:
        rules = compile_rules(store.load_rules(session))
        site_of = dict(session.execute(_feed_sites()).all())
    adapter = get_adapter("generic")
    now = utcnow()
    tag_entries(parse_feed(fetched[0].body, fetched[0].headers, fetched[0].url, adapter).entries,
                rules)
    gc.collect()
    began = time.perf_counter()
    stored = 0
    for r in fetched:
        parsed = parse_feed(r.body, r.headers, r.url, adapter)
        tagged = tag_entries(parsed.entries, rules)
        with sessions() as session:  # one transaction per feed, as poll_feed does
            stored += store.store_entries(session, site_of[ids[r.requested_url]], tagged,
                                          now).new_count
            session.commit()
    pipeline_s = time.perf_counter() - began
    engine.dispose()
    assert stored == total, (stored, total)
    return total / pipeline_s, pipeline_s, feedparser_s, total


def _feed_sites():
    from sqlalchemy import select

    from models import Feed

    return select(Feed.id, Feed.site_id)


def child_pids() -> set[int]:
    pids: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        pids.update(int(p) for p in (task / "children").read_text().split())
    return pids


def role(pid: int) -> str:
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    return "resource tracker" if b"resource_tracker" in cmdline else "parser"


def peak_rss_mb(pid: int) -> float:
    """A live process's peak resident set (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def bench_polls(tmp: str, config, urls: list[str]) -> tuple[float, float, int, list]:
    """(b): a full poll of every feed, then a second poll where all answer 304. Also the
    peak RSS of each process the poll started (parsers, multiprocessing's tracker)."""
    from sqlalchemy import func, select

    from app.sources.polling import poll_feeds
    from models import Diary
    from models.base import utcnow

    engine, sessions = fresh_db(tmp, "polls")
    ids = list(add_feeds(sessions, urls).values())
    before = child_pids()
    gc.collect()
    began = time.perf_counter()
    first = poll_feeds(config, sessions, ids, utcnow)
    full_s = time.perf_counter() - began
    bad = [o for o in first if o.outcome != "ok"]
    assert not bad, bad[:3]
    began = time.perf_counter()
    second = poll_feeds(config, sessions, ids, utcnow)
    repoll_s = time.perf_counter() - began
    not_modified = sum(1 for o in second if o.outcome == "not_modified")
    assert not_modified == len(ids), {o.outcome for o in second}
    helpers = [(role(pid), peak_rss_mb(pid)) for pid in sorted(child_pids() - before)]
    with sessions() as session:
        diaries = session.scalar(select(func.count(Diary.id)))
    engine.dispose()
    return full_s, repoll_s, diaries, helpers


def bench_reader(tmp: str, urls: list[str]) -> tuple[float, int, str]:
    """lemon24's reader over the same feeds with its own fetcher (and the same 8 workers)."""
    import feedparser_sgmllib

    # reader's vendored feedparser imports the old "sgmllib" module (sgmllib3k); the
    # feedparser we install brings the same module as feedparser_sgmllib.
    sys.modules.setdefault("sgmllib", feedparser_sgmllib)
    from reader import make_reader

    reader = make_reader(os.path.join(tmp, "reader.sqlite"))
    for url in urls:
        reader.add_feed(url)
    gc.collect()
    began = time.perf_counter()
    reader.update_feeds(workers=WORKERS)
    seconds = time.perf_counter() - began
    entries = reader.get_entry_counts().total
    broken = sum(1 for f in reader.get_feeds() if f.last_exception)
    reader.close()
    return seconds, entries, f"{broken} feeds failed" if broken else "all feeds ok"


def main() -> None:
    from config import Config

    sim, port = start_simulator()
    urls = feed_urls(port)
    try:
        with tempfile.TemporaryDirectory(prefix="diaryboost-bench-") as tmp:
            config = Config.from_env({
                "INSTANCE_PATH": tmp, "SECRET_KEY": "bench-secret-key-0123456789",
                "DATABASE_URL": f"sqlite:///{tmp}/unused.db", "SCHEDULER_ENABLED": "0",
                "PRIVATE_ADDRESS_ALLOWLIST": " ".join(f"{h}:{port}" for h in HOSTS),
                "HOST_MIN_GAP": "0.005", "HOST_MAX_CONCURRENCY": "2",
                "POLL_WORKERS": str(WORKERS)})
            print(f"corpus: {FEEDS} feeds × {ENTRIES} entries on {len(HOSTS)} loopback "
                  f"addresses ({HOSTS[0]}…{HOSTS[-1]}:{port}), HOST_MIN_GAP=0.005 s, "
                  f"{WORKERS} fetch threads, {config.POLL_PARSE_PROCESSES} parser "
                  f"processes, SQLite")
            rate, pipe_s, fp_s, total = bench_throughput(tmp, config, urls)
            ratio = pipe_s / fp_s
            print(f"(a) feedparser.parse alone: {total} entries in {fp_s:.2f} s "
                  f"({total / fp_s:,.0f} entries/s)")
            print(f"    parse + tag + store:    {total} entries in {pipe_s:.2f} s "
                  f"({rate:,.0f} entries/s), {ratio:.2f} × feedparser's time "
                  f"(target ≤ 1.2)")
            full_s, repoll_s, diaries, helpers = bench_polls(tmp, config, urls)
            print(f"(b) full poll: {FEEDS} feeds, {diaries} diaries in {full_s:.2f} s "
                  f"(target ≤ 15 s); all-304 re-poll: {repoll_s:.2f} s (target ≤ 2 s)")
            reader_s, reader_entries, reader_note = bench_reader(tmp, urls)
            ours = diaries / full_s
            theirs = reader_entries / reader_s
            speedup = ours / theirs
            print(f"    reader {_reader_version()}: {reader_entries} entries in {reader_s:.2f} s "
                  f"({theirs:,.0f} entries/s, {reader_note}); diaryboost {ours:,.0f} "
                  f"entries/s = {speedup:.2f} × reader (target ≥ 1.5)")
    finally:
        sim.stdin.close()
        sim.wait(10)
    poller_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_mb = poller_mb + sum(mb for _, mb in helpers)
    parts = "".join(f" + {name} {mb:.0f} MB" for name, mb in helpers)
    print(f"(c) peak RSS: {peak_mb:.0f} MB (target ≤ 250 MB), all processes of the poll "
          f"together: poller {poller_mb:.0f} MB{parts}")
    print(f"RESULT entries_per_s={rate:.0f} ratio_vs_feedparser={ratio:.2f} "
          f"speedup_vs_reader={speedup:.2f} full_poll_s={full_s:.2f} "
          f"repoll_304_s={repoll_s:.2f} peak_rss_mb={peak_mb:.0f}")


def _reader_version() -> str:
    import reader

    return reader.__version__


if __name__ == "__main__":
    main()
