"""ISO weeks in the team's time zone, and when the weekly digest is due. Pure: no I/O.

A digest week runs Monday 00:00 to the next Monday 00:00 in DIGEST_TIMEZONE, so "this
week" means the same thing to every teammate whatever their own zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.errors import ValidationError
from app.validation import MAX_DATE, MIN_DATE

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WEEK_FORMAT_ERROR = "week must look like 2026-W47"


@dataclass(frozen=True)
class Week:
    label: str  # "2026-W47"
    monday: date  # first day, in the team's zone
    start: datetime  # UTC
    end: datetime  # UTC, exclusive

    def previous(self, zone: str) -> Week:
        return week_containing(self.monday - timedelta(days=7), zone)

    def next(self, zone: str) -> Week:
        return week_containing(self.monday + timedelta(days=7), zone)

    @property
    def days(self) -> str:
        """"Mon 16 – Sun 22 Nov 2026": the dates a week label stands for."""
        sunday = self.monday + timedelta(days=6)
        first = "%a %d" if self.monday.month == sunday.month else "%a %d %b"
        if self.monday.year != sunday.year:
            first = "%a %d %b %Y"
        return f"{self.monday.strftime(first)} – {sunday.strftime('%a %d %b %Y')}"


@dataclass(frozen=True)
class WeekArg:
    """A ?week= parameter read the one way Team and Digest both read it."""

    label: str | None = None  # a valid ISO week; None: the page's default week
    redirect_to: str | None = None  # an old date-style link: the ISO week to go to
    error: str | None = None  # shown on the page, which falls back to its default week


def read_week_arg(raw: str | None) -> WeekArg:
    """``2026-W47`` is used as is; ``2026-11-16`` (old links) redirects to the ISO week
    holding that date; anything else is explained, never an error page."""
    raw = (raw or "").strip()
    if not raw:
        return WeekArg()
    if _DAY.match(raw):
        try:
            iso = date.fromisoformat(raw).isocalendar()
        except ValueError:
            return WeekArg(error=f"{raw!r} is not a date; " + WEEK_FORMAT_ERROR)
        return WeekArg(redirect_to=f"{iso.year}-W{iso.week:02d}")
    try:
        return WeekArg(label=parse_week(raw, "UTC").label)
    except ValidationError as err:
        return WeekArg(error=f"{err.message} (you gave {raw!r}); showing the default week")


def _bounds(monday: date, zone: str) -> tuple[datetime, datetime]:
    tz = ZoneInfo(zone)
    start = datetime.combine(monday, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def week_containing(day: date, zone: str) -> Week:
    iso = day.isocalendar()
    monday = day - timedelta(days=iso.weekday - 1)
    start, end = _bounds(monday, zone)
    return Week(f"{iso.year}-W{iso.week:02d}", monday, start, end)


def parse_week(value: str | None, zone: str) -> Week:
    """``2026-W47`` → that week's bounds; anything else is a ValidationError."""
    match = _WEEK.match((value or "").strip())
    if not match:
        raise ValidationError(WEEK_FORMAT_ERROR)
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValidationError(WEEK_FORMAT_ERROR + " (that year has no such week)") from None
    if not MIN_DATE <= monday <= MAX_DATE:
        raise ValidationError(f"week must be between {MIN_DATE.year}-W01 and "
                              f"{MAX_DATE.year}-W52, got {value.strip()}")
    return week_containing(monday, zone)


def week_at(moment: datetime, zone: str) -> Week:
    """The week that contains ``moment`` in the team's zone."""
    return week_containing(moment.astimezone(ZoneInfo(zone)).date(), zone)


def last_full_week(now: datetime, zone: str) -> Week:
    """The most recent week that has ended: what Monday's digest is about."""
    return week_at(now, zone).previous(zone)


def latest_send_time(now: datetime, weekday: int, hhmm: str, zone: str) -> datetime:
    """The most recent scheduled digest time at or before ``now`` (UTC)."""
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    hh, mm = (int(part) for part in hhmm.split(":"))
    day = local.date() - timedelta(days=(local.weekday() - weekday) % 7)
    candidate = datetime.combine(day, time(hh, mm), tzinfo=tz)
    if candidate > local:
        candidate = datetime.combine(day - timedelta(days=7), time(hh, mm), tzinfo=tz)
    return candidate.astimezone(UTC)


def week_for_send(send_at: datetime, zone: str) -> Week:
    """The week a send at ``send_at`` reports on: the last one that ended before it."""
    return last_full_week(send_at, zone)
