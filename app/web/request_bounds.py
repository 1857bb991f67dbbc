"""Bounds on what a request may carry, applied by the web layer: ids in URLs, NUL bytes
in parameters and fields, JSON nesting, form fields (the bounds themselves are
:mod:`app.validation`)."""

from __future__ import annotations

import json
from typing import Any

from flask import request
from flask.json.provider import DefaultJSONProvider
from wtforms.validators import ValidationError as FormValidationError

from app.errors import ValidationError
from app.validation import check_date, check_id, one_line

MAX_JSON_DEPTH = 32


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
