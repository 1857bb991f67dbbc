"""Domain errors, and the one place they become HTTP answers."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """Something the user asked for cannot be done; the message says why."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    status = 400


class PermissionDenied(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _render(status: int, title: str, message: str):
    if _wants_json():
        return jsonify(error=title, message=message), status
    return render_template("error.html", status=status, title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        return _render(err.status, type(err).__name__, err.message)

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
