"""Domain errors: something a user asked for cannot be done, and the message says why.

Plain Python, raised by services and caught by every edge: the web layer turns them
into HTTP answers (:mod:`app.web.http_errors`, which owns the status codes), the CLI into
one line and a non-zero exit.
"""

from __future__ import annotations


class DomainError(Exception):
    """Something the user asked for cannot be done; the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """The request is malformed or out of bounds (the web answers 400)."""


class PermissionDenied(DomainError):
    """The user may not do this (403)."""


class NotFound(DomainError):
    """What the request names does not exist (404)."""


class Conflict(DomainError):
    """It clashes with the current state, e.g. a duplicate (409)."""
