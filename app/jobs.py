"""Every periodic job, declared in one list.

Each job is thin: open a session, select what is due, call the service, log counts.
Jobs receive the context (session factory, config, clock) and ids, never ORM objects.
Features append their jobs to JOBS.
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


JOBS: list[JobSpec] = []


def job(job_id: str, every: Callable[[Config], float]):
    """Register ``func`` as a periodic job run every ``every(config)`` seconds."""

    def decorator(func):
        JOBS.append(JobSpec(job_id, func, every))
        return func

    return decorator


def load_feature_jobs() -> None:
    """Import the modules that declare jobs, so JOBS is complete."""
    import importlib

    for name in JOB_MODULES:
        importlib.import_module(name)


# Modules whose import registers jobs with @job.
JOB_MODULES: list[str] = ["app.jobs_shifts", "app.jobs_digest", "app.jobs_intake"]
