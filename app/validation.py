"""Bounds on what a request may carry: ids, numbers, dates, names, JSON.

Python's integers and dates are wider than what the database and the calendar arithmetic
can take: an id of 10**20 overflows PostgreSQL's integers, a week of 0001-01-01 or a shift
ending after 9999-12-31 overflows ``datetime``. Each such value is refused here with a
400 naming the field, so a 500 stays what it should be: a bug, logged.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from flask import request
from flask.json.provider import DefaultJSONProvider
from wtforms.validators import ValidationError as FormValidationError

from app.errors import ValidationError

INT32_MAX = 2**31 - 1
MAX_ID = INT32_MAX
# Far wider than any diary, shift or digest, and far enough inside datetime's years 1-9999
# that a week's Monday, a +1 day or a time-zone shift never leaves them.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2999, 12, 31)
MAX_JSON_DEPTH = 32
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


def url_ids(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Every ``<int:...>`` in a matched URL is a row id (a ``url_value_preprocessor``)."""
    for name, value in (values or {}).items():
        if isinstance(value, int):
            check_id(name, value)


def refuse_nul_bytes() -> None:
    """No text field anywhere holds a NUL; PostgreSQL refuses one with an error (a 500)
    wherever it reaches a query, so it is refused up front (a ``before_request``)."""
    if "\x00" in request.path:
        raise ValidationError("The address contains a NUL character")
    for where, values in (("parameter", request.args), ("field", request.form)):
        for name, value in values.items(multi=True):
            if "\x00" in name or "\x00" in value:
                raise ValidationError(f"The {where} {name!r} contains a NUL character")


# WTForms side: the same bounds, reported next to the field of the form.

def form_date_in_range(_form, field) -> None:
    if field.data is not None:
        try:
            check_date(field.label.text, field.data)
        except ValidationError as err:
            raise FormValidationError(err.message) from None


def form_one_line(_form, field) -> None:
    if field.data:
        field.data = one_line(field.data)


def _check_json(value: Any) -> None:
    """Refuse nesting deeper than ``MAX_JSON_DEPTH`` and NULs in text, without recursing."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            if any("\x00" in key for key in item):
                raise ValidationError("JSON body: a name contains a NUL character")
            item = list(item.values())
        if isinstance(item, list):
            if depth > MAX_JSON_DEPTH:
                raise ValidationError(f"JSON body nests deeper than {MAX_JSON_DEPTH} levels")
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str) and "\x00" in item:
            raise ValidationError("JSON body: a text value contains a NUL character")


class BoundedJSONProvider(DefaultJSONProvider):
    """Request bodies nested deeper than ``MAX_JSON_DEPTH`` are refused, not parsed into a
    RecursionError (a 500) or handed to code that walks them recursively; so is text with
    a NUL, as in forms."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise ValidationError(
                f"JSON body nests deeper than {MAX_JSON_DEPTH} levels") from None
        _check_json(value)
        return value
