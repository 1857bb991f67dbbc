"""Starting over when who is at the keyboard changes: nothing survives from before."""

from __future__ import annotations

from flask import session
from flask_login import login_user


def fresh_session() -> None:
    """Drop all the browser's session held, the CSRF token included, so that a token or
    cookie planted before (fixation) is worthless after a log-in or a password set from a
    link."""
    session.clear()


def start_session(user) -> None:
    """Log ``user`` in on a fresh session, lasting SESSION_LIFETIME_DAYS."""
    fresh_session()
    login_user(user)
    session.permanent = True
