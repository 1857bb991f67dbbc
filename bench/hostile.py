"""Hostile servers and feeds: wall time and peak memory of one poll per case.

Each case of ``tests/hostile.py`` (the same ones the tests check for the right data or a
clear recorded error) is served by a hostile server in its own process and polled by a
fresh poller process with the production fetch settings (30 s deadline, 5 MB body cap),
so a case's peak RSS is its own. Prints one row per case: wall time, peak RSS of the
poller, outcome and the recorded error or warning. Targets (issue 13): every poll under
35 s and 300 MB. Not a test: ``.venv/bin/python bench/hostile.py``.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = """
import sys
from tests import hostile
server = hostile.HostileServer().start()
for n, (name, build) in enumerate(hostile.FEEDS.items()):
    server.route(f"/case/{n}", build())
hostile.bomb_behind_301(server)
server.route("/churn", hostile.churning())
server.route("/story/deep", hostile.nested_page())
print(server.port, flush=True)
sys.stdin.read()
"""
NOW = datetime(2007, 7, 1, 12, 0, tzinfo=UTC)


def cases() -> list[tuple[str, str, int]]:
    """(name, path, polls)."""
    from tests import hostile

    listed = [(name, f"/case/{n}", 1) for n, name in enumerate(hostile.FEEDS)]
    return listed + [("gzip bomb (1 GB) behind a 301", "/bomb.xml", 1),
                     ("churning guids (2 polls)", "/churn", 2),
                     ("50,000-deep diary page (counts)", "/story/deep", 1)]


def poll_case(port: int, path: str, polls: int) -> dict:
    """In the poller process: one case against a fresh SQLite database."""
    from models import Diary, Feed, Site, make_engine, make_session_factory
    from models.migrate import upgrade
    from scrapers.counts import refresh_counts
    from scrapers.fetch import Fetcher
    from scrapers.poll import poll_feed
    from scrapers.types import FetchSettings

    url = f"http://127.0.0.1:{port}{path}"
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/hostile.db")
        upgrade(engine)
        sessions = make_session_factory(engine)
        settings = FetchSettings(host_min_gap=0.0,
                                 private_allowlist=frozenset({("127.0.0.1", port)}))
        with sessions() as session:
            site = Site(slug="hostile", name="Hostile", base_url="http://blog.example.org",
                        platform="dailykos")
            session.add(site)
            session.flush()
            feed = Feed(site_id=site.id, url=url, next_poll_at=NOW)
            session.add(feed)
            session.flush()
            diary = None
            if path.startswith("/story/"):
                diary = Diary(site_id=site.id, guid="deep", url=url, title="Deep page",
                              published_at=NOW, content_hash="0" * 64, first_seen_at=NOW,
                              last_seen_at=NOW)
                session.add(diary)
                session.flush()
            session.commit()
            ids = (feed.id, diary.id if diary else None)
        began = time.monotonic()
        with Fetcher(settings) as fetcher:
            if ids[1] is not None:
                read = refresh_counts(sessions, [ids[1]], NOW, fetcher)
                outcome = {"outcome": "ok" if read else "skipped",
                           "note": f"{read} page(s) read"}
            else:
                for n in range(polls):
                    done = poll_feed(sessions, ids[0], NOW.replace(minute=n), fetcher)
                with sessions() as session:
                    stored = session.query(Diary).count()
                outcome = {"outcome": done.outcome,
                           "note": done.error or f"{stored} diaries; {done.warning or ''}"}
        outcome["wall_s"] = time.monotonic() - began
        outcome["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        engine.dispose()
    return outcome


def main() -> None:
    server = subprocess.Popen([sys.executable, "-c", SERVER], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        print(f"{'case':<36} {'wall s':>7} {'peak MB':>8}  outcome: error or note")
        worst_wall = worst_rss = 0.0
        for name, path, polls in cases():
            child = subprocess.run([sys.executable, __file__, "--case", str(port), path,
                                    str(polls)], cwd=ROOT, capture_output=True, text=True,
                                   check=False)
            try:
                row = json.loads(child.stdout.strip().splitlines()[-1])
            except (IndexError, ValueError):
                print(f"{name:<36} poller failed: {child.stderr.strip()[-300:]}")
                continue
            worst_wall, worst_rss = max(worst_wall, row["wall_s"]), max(worst_rss, row["rss_mb"])
            note = " ".join(str(row["note"]).split())[:110]
            print(f"{name:<36} {row['wall_s']:>7.2f} {row['rss_mb']:>8.0f}  "
                  f"{row['outcome']}: {note}")
        print(f"RESULT cases={len(cases())} worst_wall_s={worst_wall:.2f} "
              f"worst_peak_rss_mb={worst_rss:.0f} (targets: 35 s, 300 MB)")
    finally:
        server.stdin.close()
        server.wait(timeout=10)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--case":
        print(json.dumps(poll_case(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))))
    else:
        main()
