"""The intake jobs under the scheduler's lease: two schedulers never both poll."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from app.jobs import registry as jobs
from app.jobs.registry import JobContext
from app.jobs.scheduler import LeaderGuard
from models import Diary, Feed, Lease, PollLog, make_session_factory
from tests.conftest import fresh_database, make_config
from tests.intake.conftest import add_sim_site


def job(job_id: str):
    return next(spec for spec in jobs.all_jobs() if spec.id == job_id)


def sim_config(tmp_path, network, **overrides):
    host_port = network.base_url.removeprefix("http://")
    return make_config(tmp_path, PRIVATE_ADDRESS_ALLOWLIST=frozenset(
        {(host_port.split(":")[0], int(host_port.split(":")[1]))}), HOST_MIN_GAP=0.0,
        POLL_WORKERS=4, **overrides)


def test_two_schedulers_on_one_database_never_both_poll(backend, tmp_path, network):
    engine, cleanup = fresh_database(backend, tmp_path, "twosched")
    sessions = make_session_factory(engine)
    try:
        with sessions() as session:
            feeds = []
            for slug in ("dailykos", "mydd", "calitics"):
                feeds += add_sim_site(session, network, slug, feeds=None)[1]
            session.commit()
            paths = {"/" + f.url.split("/", 3)[3] for f in feeds}
        context = JobContext(config=sim_config(tmp_path, network), sessions=sessions,
                             now=lambda: network.now)
        spec = job("poll-due-feeds")
        guards = [LeaderGuard(sessions, now=lambda: network.now, holder=name)
                  for name in ("first", "second")]
        start = threading.Barrier(2)
        results = {}

        def run(guard):
            start.wait()
            results[guard.holder] = guard.wrap(spec, context)()

        threads = [threading.Thread(target=run, args=(g,)) for g in guards]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        # Exactly one of them ran the job; the other found the lease taken.
        assert sorted(r is None for r in results.values()) == [False, True]
        fetched = Counter(r.path for r in network.request_log if r.path in paths)
        assert fetched == Counter(dict.fromkeys(paths, 1))
        with sessions() as session:
            assert session.scalar(select(func.count(PollLog.id))) == len(feeds)
            assert session.scalar(select(func.count(Diary.id))) > 0
        # Both run again: nothing is due yet, so nothing is fetched again. (No session is
        # held open meanwhile: on SQLite an open transaction holds the write lock.)
        network.clear_log()
        for guard in guards:
            guard.wrap(spec, context)()
        assert not [r for r in network.request_log if r.path in paths]
        with sessions() as session:
            assert session.scalar(select(func.min(Feed.next_poll_at))) > network.now
    finally:
        with sessions() as session:
            session.query(Lease).delete()
            session.commit()
        cleanup()


def test_refresh_counts_job_observes_young_diaries(backend, tmp_path, network):
    engine, cleanup = fresh_database(backend, tmp_path, "counts")
    sessions = make_session_factory(engine)
    try:
        with sessions() as session:
            site, [feed] = add_sim_site(session, network, "dailykos", rec_window_hours=3.0)
            session.commit()
        context = JobContext(config=sim_config(tmp_path, network), sessions=sessions,
                             now=lambda: network.now)
        job("poll-due-feeds").func(context)
        network.advance(60)
        observed = job("refresh-counts").func(context)
        with sessions() as session:
            rows = session.scalars(select(Diary)).all()
            young = [d for d in rows if d.published_at >= network.now - timedelta(hours=3)]
            assert observed == len(young) > 0
            assert all(d.counts_checked_at == network.now for d in young)
            assert all(d.counts_checked_at is None for d in rows if d not in young)
        # Observed a minute ago: not due again until METRICS_INTERVAL has passed.
        network.advance(1)
        assert job("refresh-counts").func(context) == 0
    finally:
        cleanup()
