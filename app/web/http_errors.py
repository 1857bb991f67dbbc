"""Domain errors as HTTP answers: the one place a status code is chosen for them, and the
error pages (HTML, or JSON under /api/)."""

from __future__ import annotations

from flask import Flask, flash, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationError
from app.web import db

STATUS = {ValidationError: 400, PermissionDenied: 403, NotFound: 404, Conflict: 409}


def http_status(err: DomainError) -> int:
    """The status code for ``err``: its nearest class in ``STATUS``, else 400."""
    for cls in type(err).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def refuse(err: DomainError) -> int:
    """A domain error a view caught: its message as a flash, this request's changes rolled
    back (now and at the edge), and the status code to answer with."""
    flash(err.message, "error")
    db.discard()
    return http_status(err)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _render(status: int, title: str, message: str):
    if _wants_json():
        return jsonify(error=title, message=message), status
    return render_template("error.html", status=status, title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        return _render(http_status(err), type(err).__name__, err.message)

    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError):
        return _render(400, "Form expired or invalid",
                       "The form could not be verified (missing or stale security token). "
                       "Go back, reload the page and try again.")

    @app.errorhandler(429)
    def _too_many(err):
        return _render(429, "Too many attempts",
                       "Too many attempts in a short time. Wait a few minutes and try again.")

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        return _render(err.code or 500, err.name, err.description or "")
