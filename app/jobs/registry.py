"""Every periodic job, declared in one list (:func:`all_jobs`).

Each job is thin: open a session, select what is due, call the service, log counts.
Jobs receive the context (session factory, config, clock) and ids, never ORM objects.
A new job is a function in its area's job module and one row in :func:`all_jobs`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from config import Config

log = logging.getLogger("diaryboost.jobs")


@dataclass(frozen=True)
class JobContext:
    config: Config
    sessions: sessionmaker[Session]
    now: Callable[[], datetime]


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: Callable[[JobContext], object]
    seconds: Callable[[Config], float]


def all_jobs() -> list[JobSpec]:
    """Every periodic job with its interval, in one list."""
    # Imported here, not at the top: the job modules import JobContext from this module.
    from app.digest import job as jobs_digest
    from app.jobs import intake as jobs_intake
    from app.shifts import job as jobs_shifts

    return [
        JobSpec("poll-due-feeds", jobs_intake.poll_due_feeds,
                lambda config: jobs_intake.POLL_CHECK_SECONDS),
        JobSpec("refresh-counts", jobs_intake.refresh_diary_counts,
                lambda config: max(60.0, config.METRICS_INTERVAL / 5)),
        JobSpec("learn-aging", jobs_intake.learn_site_aging,
                lambda config: jobs_intake.LEARN_AGING_SECONDS),
        JobSpec("shift-reminders", jobs_shifts.shift_reminders, lambda config: 60),
        JobSpec("digest", jobs_digest.send_digest,
                lambda config: jobs_digest.CHECK_EVERY_SECONDS),
    ]
