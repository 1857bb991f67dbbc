"""The APScheduler 3 runner: one per database, guarded by a lease.

Several processes may start a scheduler (web workers, a stand-by scheduler); only the
holder of the "scheduler" lease runs jobs, so feeds are never polled twice.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import UTC, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.orm import Session, sessionmaker

from app import clock
from app.jobs import leases
from app.jobs import registry as jobs
from config import Config

log = logging.getLogger("diaryboost.scheduler")
LEASE_NAME = "scheduler"
LEASE_TTL = timedelta(seconds=90)


class LeaderGuard:
    """Runs a job only while this process holds the scheduler lease."""

    def __init__(self, sessions: sessionmaker[Session], now=clock.now, holder: str | None = None):
        self.sessions = sessions
        self.now = now
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def is_leader(self) -> bool:
        with self.sessions() as session:
            return leases.acquire(session, LEASE_NAME, self.holder, self.now(), LEASE_TTL)

    def release(self) -> None:
        with self.sessions() as session:
            leases.release(session, LEASE_NAME, self.holder)

    def wrap(self, spec: jobs.JobSpec, context: jobs.JobContext):
        def run():
            if not self.is_leader():
                log.debug("job %s skipped: another scheduler holds the lease", spec.id)
                return None
            try:
                return spec.func(context)
            except Exception:
                # A failing job must not kill the scheduler; the next run tries again.
                log.exception("job %s failed", spec.id)
                return None

        run.__name__ = spec.id
        return run


def build_scheduler(config: Config, sessions: sessionmaker[Session], *, blocking: bool,
                    now=clock.now) -> tuple[BaseScheduler, LeaderGuard]:
    scheduler_cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = scheduler_cls(
        timezone=UTC,
        # Coalesce missed runs into one, never run a job twice at once, and still run a
        # job that is late (e.g. after a long poll or a suspended laptop).
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    guard = LeaderGuard(sessions, now=now)
    context = jobs.JobContext(config=config, sessions=sessions, now=now)
    for spec in jobs.all_jobs():
        scheduler.add_job(guard.wrap(spec, context), "interval", seconds=spec.seconds(config),
                          id=spec.id, name=spec.id, next_run_time=clock.now())
    # Keep the lease fresh even when no job is due for a while.
    scheduler.add_job(guard.is_leader, "interval", seconds=LEASE_TTL.total_seconds() / 3,
                      id="lease-heartbeat", next_run_time=clock.now())
    return scheduler, guard
