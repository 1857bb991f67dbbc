"""Whole answers kept per teammate while nothing they show changes.

Boost today, the API's list and the board's poll are asked for many times a minute by each
teammate and change only when the board does (its version, ``models/board_version.py``).
The HTML or JSON made for one teammate is kept in ``board_cache.views`` under the board's
version and everything else the answer depends on: the teammate, the URL with its
filters, their marks, their time zone, the feeds' state, and for pages their session's
CSRF secret (the forms in the page carry tokens of that session; tokens do not expire,
``WTF_CSRF_TIME_LIMIT`` is None). Like the plan, an answer is remade at least once a
minute (ages, shifts), never kept when it was drawn from a plan older than the current
one, and not used at all when a flash message waits to be shown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import request, session
from flask_login import current_user

from app import clock
from app.boost import board_cache
from app.web.db import get_db
from app.web.templating import viewer_zone


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def page(name: str, parts: tuple, render: Callable[[], str]) -> str:
    """``render()``'s HTML for the logged-in teammate, reused while ``parts`` and the
    board hold."""
    if "_flashes" in session or "csrf_token" not in session:
        # A message to show once, or a first page that creates the session's CSRF secret.
        return render()
    key = ("page", name, current_user.id, request.full_path, str(viewer_zone()),
           _digest(session["csrf_token"]), *parts)
    return board_cache.views.get(get_db(), key, clock.now(), render)


def body(name: str, user_id: int, parts: tuple, render: Callable[[], str]) -> str:
    """``render()``'s text (JSON) for ``user_id``, reused while ``parts`` and the board
    hold."""
    key = ("body", name, user_id, request.full_path, *parts)
    return board_cache.views.get(get_db(), key, clock.now(), render)
