"""Kill test: SIGKILL `python run.py poll` mid-run; nothing is half-written, no parser process
lingers, a re-poll works."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from sqlalchemy import func, select, text

from app.sources.polling import poll_feeds
from models import Diary, Feed, PollLog, Site, make_session_factory
from tests.conftest import PROJECT_ROOT, TEST_SECRET, fresh_database, make_config
from tests.intake.conftest import fetch_settings
from tests.processes import children, kill_and_orphans

FEEDS = 14
ENTRIES = 20
SLOW = (3, 8)


def database_url(engine) -> str:
    if engine.dialect.name == "sqlite":
        return engine.url.render_as_string(hide_password=False)
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    url = engine.url.render_as_string(hide_password=False)
    return f"{url}?options={quote(f'-csearch_path={schema}')}"


def start_poll(url: str, network, tmp_path) -> subprocess.Popen:
    host, port = network.base_url.removeprefix("http://").split(":")
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": TEST_SECRET,
           "INSTANCE_PATH": str(tmp_path / "instance"), "SCHEDULER_ENABLED": "0",
           "PRIVATE_ADDRESS_ALLOWLIST": f"{host}:{port}", "HOST_MIN_GAP": "0",
           "HOST_MAX_CONCURRENCY": "8", "POLL_WORKERS": "4", "POLL_PARSE_PROCESSES": "2",
           "FETCH_DEADLINE": "120",
           "FETCH_READ_TIMEOUT": "60"}
    return subprocess.Popen([sys.executable, "run.py", "poll"], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def entries_of(session, n: int) -> int:
    return session.scalar(select(func.count(Diary.id))
                          .where(Diary.url.like(f"%/bulk/{n}/entry/%")))


@pytest.mark.slow
def test_sigkill_mid_poll_leaves_no_half_written_feed(backend, tmp_path, network):
    engine, cleanup = fresh_database(backend, tmp_path, "kill")
    sessions = make_session_factory(engine)
    try:
        network.configure_bulk(FEEDS, ENTRIES)
        for n in SLOW:  # these hold workers while the others commit around them
            network.set_fault(f"/bulk/feed/{n}.xml", "slow_drip", interval_ms=50)
        with sessions() as session:
            site = Site(slug="bulk", name="Bulk", base_url=network.base_url,
                        platform="generic")
            session.add(site)
            session.flush()
            session.add_all(Feed(site_id=site.id, url=network.url(f"/bulk/feed/{n}.xml"),
                                 next_poll_at=network.now) for n in range(FEEDS))
            session.commit()
        proc = start_poll(database_url(engine), network, tmp_path)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                with sessions() as session:
                    done = session.scalar(select(func.count(PollLog.id)))
                if done >= FEEDS // 2 or proc.poll() is not None:
                    break
                time.sleep(0.05)
            assert proc.poll() is None, proc.communicate()
            assert children(proc.pid), "the poll should parse in parser processes"
            assert kill_and_orphans(proc) == [], "parser processes outlived the poll"
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.communicate()
        with sessions() as session:
            if backend == "sqlite":
                assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            feeds = session.scalars(select(Feed).order_by(Feed.id)).all()
            logs = {log.feed_id: log for log in session.scalars(select(PollLog))}
            assert 0 < len(logs) < FEEDS
            for n, feed in enumerate(feeds):
                if feed.id in logs:
                    # Committed: all its entries, its feed row and its poll log together.
                    assert logs[feed.id].outcome == "ok" and logs[feed.id].new_count == ENTRIES
                    assert entries_of(session, n) == ENTRIES
                    assert feed.last_polled_at is not None and feed.body_hash
                else:
                    assert entries_of(session, n) == 0
                    assert feed.last_polled_at is None and feed.body_hash is None
            assert session.scalar(select(func.count(Diary.id))) == ENTRIES * len(logs)
            assert session.scalar(select(func.count(Diary.id)).where(
                (Diary.title == "") | (Diary.content_hash == ""))) == 0

        for n in SLOW:
            network.set_fault(f"/bulk/feed/{n}.xml", None)
        config = make_config(tmp_path, PRIVATE_ADDRESS_ALLOWLIST=fetch_settings(
            network).private_allowlist, HOST_MIN_GAP=0.0, POLL_WORKERS=4)
        with sessions() as session:
            ids = list(session.scalars(select(Feed.id)))
        outcomes = poll_feeds(config, sessions, ids, network.now)
        assert {o.outcome for o in outcomes} <= {"ok", "not_modified", "unchanged"}
        with sessions() as session:
            assert session.scalar(select(func.count(Diary.id))) == FEEDS * ENTRIES
            assert session.scalar(select(func.count(Feed.id))
                                  .where(Feed.last_success_at.is_(None))) == 0
    finally:
        cleanup()
