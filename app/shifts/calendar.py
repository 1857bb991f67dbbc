"""A teammate's shifts as an iCalendar feed (subscribed to at a secret URL).

Each place a teammate holds or held is one event with a stable UID, so calendar apps
update it in place: SEQUENCE grows with every change (the shift's and the place's
counters only ever grow, so their sum does too), and a cancelled shift or a dropped
place stays in the feed as STATUS:CANCELLED instead of silently vanishing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.shifts.service import FOCUS_LABELS, site_label
from app.text import plural
from app.validation import one_line
from models import Shift, ShiftAssignment, User

HISTORY = timedelta(days=30)


def event_uid(assignment: ShiftAssignment) -> str:
    return f"shift-{assignment.shift_id}-place-{assignment.id}@diaryboost"


def _event(assignment: ShiftAssignment, now: datetime, shifts_url: str,
           alarm_minutes: int) -> Event:
    shift = assignment.shift
    cancelled = shift.cancelled_at is not None or assignment.released_at is not None
    event = Event()
    event.add("uid", event_uid(assignment))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", shift.starts_at.astimezone(UTC))
    event.add("dtend", shift.ends_at.astimezone(UTC))
    event.add("sequence", shift.sequence + assignment.sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("summary", f"diaryboost shift: {site_label(shift)} · {FOCUS_LABELS[shift.focus]}")
    description = shift.note or "Boost the diaries that need it."
    event.add("description", f"{description}\n\n{shifts_url}")
    event.add("url", shifts_url)
    last = max(shift.updated_at, assignment.released_at or assignment.created_at)
    event.add("last-modified", last.astimezone(UTC))
    if not cancelled and alarm_minutes > 0:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Shift on {site_label(shift)} starts in "
                                 f"{plural(alarm_minutes, 'minute')}")
        alarm.add("trigger", -timedelta(minutes=alarm_minutes))
        event.add_component(alarm)
    return event


def user_calendar(session: Session, user: User, now: datetime, base_url: str,
                  default_reminder_minutes: int = 60) -> bytes:
    """The iCalendar document of ``user``'s places from the last 30 days onwards.

    Each event's alarm rings as long before the shift as the user's reminder email
    (their own setting, else the default); with reminders off (0) there is no alarm."""
    minutes = user.shift_reminder_minutes
    minutes = default_reminder_minutes if minutes is None else minutes
    rows = session.scalars(
        select(ShiftAssignment).join(Shift)
        .where(ShiftAssignment.user_id == user.id, Shift.ends_at > now - HISTORY)
        .options(selectinload(ShiftAssignment.shift).selectinload(Shift.site))
        .order_by(Shift.starts_at, ShiftAssignment.id)).all()
    cal = Calendar()
    cal.add("prodid", "-//diaryboost//shifts//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # One line: names saved before input was cleaned may hold a line break, which would
    # break the whole feed (a raw property, not escaped like an event's text).
    cal.add("x-wr-calname", f"diaryboost shifts — {one_line(user.display_name)}")
    shifts_url = f"{base_url.rstrip('/')}/shifts/"
    for assignment in rows:
        cal.add_component(_event(assignment, now, shifts_url, minutes))
    return cal.to_ical()
