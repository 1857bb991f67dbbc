"""Only one scheduler per database runs jobs."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import sessionmaker

from app.jobs import registry as jobs
from app.jobs.scheduler import LEASE_TTL, LeaderGuard
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


def test_failing_job_does_not_escape(engine, caplog):
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    calls = []

    def boom(ctx):
        calls.append(ctx)
        raise RuntimeError("feed exploded")

    guard = LeaderGuard(sessions, now=lambda: datetime(2026, 11, 20, tzinfo=UTC),
                        holder="solo")
    run = guard.wrap(jobs.JobSpec("boom", boom, lambda c: 1), "ctx")
    try:
        with caplog.at_level("ERROR", logger="diaryboost.scheduler"):
            assert run() is None  # the job ran, raised, and the error stayed inside
            assert run() is None  # and the next run tries again
        assert calls == ["ctx", "ctx"]
        failures = [r for r in caplog.records if r.getMessage() == "job boom failed"]
        assert len(failures) == 2 and "feed exploded" in str(failures[0].exc_info[1])
    finally:
        guard.release()
