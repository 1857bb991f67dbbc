"""The request-scoped database session.

Views get the session with ``get_db()``; service functions only add and flush;
the view commits once at the edge with ``commit()``. Whatever was not committed is
rolled back when the request ends.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy.orm import Session, sessionmaker

from models.db import read_only

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app: Flask, session_factory: sessionmaker[Session]) -> None:
    app.extensions["diaryboost.sessions"] = session_factory
    app.extensions["diaryboost.read_sessions"] = read_only(session_factory)
    app.teardown_appcontext(_close)


def session_factory() -> sessionmaker[Session]:
    return current_app.extensions["diaryboost.sessions"]


def get_db() -> Session:
    if "db" not in g:
        # Page views only read: they must not queue behind the scheduler's writes.
        key = "diaryboost.read_sessions" if has_request_context() \
            and request.method in SAFE_METHODS \
            else "diaryboost.sessions"
        g.db = current_app.extensions[key]()
    return g.db


def commit() -> None:
    get_db().commit()
    for callback in g.pop("after_commit", []):
        callback()


def after_commit(callback) -> None:
    """Run ``callback`` once this request's transaction has committed (e.g. send mail)."""
    g.setdefault("after_commit", []).append(callback)


def _close(_exc=None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()
