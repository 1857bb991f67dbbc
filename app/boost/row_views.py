"""Boost today's rows as HTML, rendered once and reused while nothing in them changes.

A page draws 30 rows of forms, a cross-post menu and sparklines; ``/boost/live`` draws the
same rows again. A row's HTML depends only on the row (the board's row with the viewer's
own part: what they logged, "your turn", their shift; of its needs, what is drawn), the
page it returns to, the viewer's Undo mark, whether its site's counts are paused, its age
as shown and the viewer's time zone; all of it is the cache key, so a changed row is
never served old.
The CSRF token changes per request: rows are kept with a placeholder, filled in per view.
"""

from __future__ import annotations

import dataclasses
import secrets
import threading
from collections import OrderedDict

from flask import render_template
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app.web.templating import age, viewer_zone

MAX_ROWS = 3000  # per process: 20 teammates x 30 rows x a few versions
_PLACEHOLDER = "csrf-" + secrets.token_hex(16)
_rows: OrderedDict[tuple, str] = OrderedDict()
_guard = threading.Lock()


def board_row_html(row, back: str, board=None, stale_sites=None) -> Markup:
    """``boost/_board_row.html`` for ``row``, as including it would render it."""
    mark = board.recent.get(row.diary_id) if board is not None else None
    paused = stale_sites is not None and row.site_id in stale_sites
    # What the row shows of its needs is their kind and reason; the priority and urgency
    # move with every plan and are not drawn, so they would only defeat the reuse.
    shown = (dataclasses.replace(row, priority=0.0, needs=()),
             tuple((n.kind, n.reason) for n in row.needs))
    key = (shown, back, mark, paused, age(row.published_at), str(viewer_zone()))
    with _guard:
        html = _rows.get(key)
        if html is not None:
            _rows.move_to_end(key)
    if html is None:
        extra = {"board": board} if board is not None else {}
        if stale_sites is not None:
            extra["stale_sites"] = stale_sites
        html = render_template("boost/_board_row.html", row=row, back=back,
                               csrf_token=lambda: _PLACEHOLDER, **extra)
        with _guard:
            _rows[key] = html
            while len(_rows) > MAX_ROWS:
                _rows.popitem(last=False)
    # Jinja escaped the row already; the token is URL-safe base64 (no markup in it).
    return Markup(html.replace(_PLACEHOLDER, generate_csrf()))  # noqa: S704
