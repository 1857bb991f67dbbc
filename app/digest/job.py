"""The weekly digest job: every few minutes, send what is due (see app.digest.send)."""

from __future__ import annotations

import logging

from app.digest.send import run_scheduled
from app.jobs.registry import JobContext

log = logging.getLogger("diaryboost.jobs.digest")

# Often enough to send within minutes of the scheduled time and to retry on time.
CHECK_EVERY_SECONDS = 300


def send_digest(ctx: JobContext) -> None:
    report = run_scheduled(ctx.config, ctx.sessions, ctx.now())
    if report.queued or report.sent or report.retrying or report.failed:
        log.info("digest %s: %d queued, %d sent, %d retrying, %d failed, %d skipped",
                 report.week, report.queued, report.sent, report.retrying, report.failed,
                 report.skipped)
