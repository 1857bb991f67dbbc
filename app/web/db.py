"""The request-scoped database session and the request's one transaction edge.

Views get the session with ``get_db()``; service functions only add and flush. The edge
(:func:`_edge`, run after every view) commits once when the view answered with success
(a status below 400) and rolls back otherwise: a domain error the web layer turned into
an error page or a JSON error, or one a view caught and refused (:func:`discard`, via
``app.web.http_errors.refuse``). Effects that must follow the commit, such as mail, are
queued with :func:`after_commit`. Whatever was not committed is rolled back when the
request ends.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy.orm import Session, sessionmaker

from models.db import read_only

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app: Flask, session_factory: sessionmaker[Session]) -> None:
    app.extensions["diaryboost.sessions"] = session_factory
    app.extensions["diaryboost.read_sessions"] = read_only(session_factory)
    app.after_request(_edge)
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
    """Commit this request's transaction now, then run the after-commit callbacks.

    The edge calls this; a view calls it only where it must act after the commit within
    the request (documented there), e.g. to say on the page whether a mail went out."""
    get_db().commit()
    for callback in g.pop("after_commit", []):
        callback()


def after_commit(callback) -> None:
    """Run ``callback`` once this request's transaction has committed (e.g. send mail)."""
    g.setdefault("after_commit", []).append(callback)


def discard() -> None:
    """Drop what this request changed, now and at the edge (a refusal, a preview that must
    leave no trace, or before work that opens its own transaction). Queued after-commit
    callbacks are dropped with it."""
    g.db_discarded = True
    g.pop("after_commit", None)
    if "db" in g:
        g.db.rollback()


def _edge(response):
    # One commit per request, on success; a failed or refused request keeps nothing.
    session = g.get("db")
    if session is None:
        return response
    if response.status_code < 400 and not g.get("db_discarded"):
        commit()
    else:
        g.pop("after_commit", None)
        session.rollback()
    return response


def _close(_exc=None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()
