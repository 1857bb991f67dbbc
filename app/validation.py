"""Bounds on ids, numbers, dates and names, for every caller (web, API, CLI, services).

Python's integers and dates are wider than what the database and the calendar arithmetic
can take: an id of 10**20 overflows PostgreSQL's integers, a week of 0001-01-01 or a shift
ending after 9999-12-31 overflows ``datetime``. Each such value is refused here with a
400 naming the field, so a 500 stays what it should be: a bug, logged. The request
side (URL ids, NULs, JSON depth, form fields) is :mod:`app.web.request_bounds`.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from app.errors import ValidationError

INT32_MAX = 2**31 - 1
MAX_ID = INT32_MAX
# Far wider than any diary, shift or digest, and far enough inside datetime's years 1-9999
# that a week's Monday, a +1 day or a time-zone shift never leaves them.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2999, 12, 31)
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


def check_id(name: str, value: int) -> int:
    """``value`` as a row id. Ids are PostgreSQL INTEGER columns: a larger number cannot
    name a row, and a query with it fails ("integer out of range"); 64-bit values, and
    bigger, are refused a fortiori."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{name} must be an integer")
    if not 0 <= value <= MAX_ID:
        raise ValidationError(f"{name} must be between 0 and {MAX_ID}, got {value}")
    return value


def check_int(name: str, value: int, lo: int = -INT32_MAX, hi: int = INT32_MAX) -> int:
    if not lo <= value <= hi:
        raise ValidationError(f"{name} must be between {lo} and {hi}, got {value}")
    return value


def check_date(name: str, day: date) -> date:
    if isinstance(day, datetime):
        day = day.date()
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValidationError(f"{name} must be between {MIN_DATE} and {MAX_DATE}, got {day}")
    return day


def parse_date(name: str, raw: str) -> date:
    """``YYYY-MM-DD`` within the supported years; anything else names ``name``."""
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationError(f"{name} must be a date such as 2026-11-16, got {raw!r}") from None
    return check_date(name, day)


def one_line(value: str) -> str:
    """A name as one line: line breaks would split an iCal property or a mail header."""
    return _LINE_BREAKS.sub(" ", value or "").strip()
