"""Only one scheduler per database runs jobs."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import sessionmaker

from app import jobs
from app.scheduler import LEASE_TTL, LeaderGuard
from models import Lease


def test_two_schedulers_never_both_run_a_job(engine):
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    clock = {"now": datetime(2026, 11, 20, tzinfo=UTC)}
    ran = []
    spec = jobs.JobSpec("probe", lambda ctx: ran.append(ctx), lambda cfg: 60)
    first = LeaderGuard(sessions, now=lambda: clock["now"], holder="first")
    second = LeaderGuard(sessions, now=lambda: clock["now"], holder="second")
    try:
        first.wrap(spec, "ctx-1")()
        second.wrap(spec, "ctx-2")()
        assert ran == ["ctx-1"]
        # The holder keeps renewing; the stand-by never runs.
        clock["now"] += LEASE_TTL / 2
        first.wrap(spec, "ctx-1")()
        second.wrap(spec, "ctx-2")()
        assert ran == ["ctx-1", "ctx-1"]
        # The holder dies (stops renewing): after the TTL the stand-by takes over.
        clock["now"] += LEASE_TTL + timedelta(seconds=1)
        second.wrap(spec, "ctx-2")()
        first.wrap(spec, "ctx-1")()
        assert ran == ["ctx-1", "ctx-1", "ctx-2"]
    finally:
        with sessions() as s:
            s.query(Lease).delete()
            s.commit()


def test_failing_job_does_not_escape(engine):
    sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def boom(ctx):
        raise RuntimeError("feed exploded")

    guard = LeaderGuard(sessions, holder="solo")
    try:
        assert guard.wrap(jobs.JobSpec("boom", boom, lambda c: 1), None)() is None
    finally:
        guard.release()
