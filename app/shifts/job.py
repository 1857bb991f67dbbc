"""Shift jobs: the reminder email before each shift."""

from __future__ import annotations

import logging

from app.jobs.registry import JobContext
from app.shifts.mail import send_due_reminders

log = logging.getLogger("diaryboost.jobs")


def shift_reminders(context: JobContext) -> int:
    """Every minute: remind whoever's shift starts within their reminder lead."""
    sent = send_due_reminders(context.config, context.sessions, context.now())
    if sent:
        log.info("shift reminders sent", extra={"count": sent})
    return sent
