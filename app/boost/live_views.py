"""The Boost today page's poll: a small JSON answer, or 304 when nothing moved.

Short requests only (no long-held connections: they would tie up the web workers). The
rows come back rendered by the same template as the page, so static/board_live.js only
swaps elements and never builds markup itself.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_login import current_user, login_required

from app import clock
from app.boost import board_cache
from app.boost import live as board_live
from app.boost import marks as board_marks
from app.boost import views as boost_views
from app.boost.row_views import board_row_html
from app.errors import ValidationError
from app.web import view_cache
from app.web.config import app_config
from app.web.db import get_db

bp = Blueprint("board_live", __name__)
# The row template needs the board's helpers (sparklines, labels).
bp.context_processor(boost_views._helpers)


def status_for_page() -> board_live.BoardStatus:
    config = app_config()
    return board_live.board_status(get_db(), clock.now(), config.POLL_FAILURES_TO_FLAG,
                                   config.METRICS_INTERVAL)


@bp.app_context_processor
def _board_status():
    # Lazy: only Boost today calls it.
    return {"board_status": status_for_page}


def _iso(value):
    return value.isoformat() if value is not None else None


@bp.route("/boost/live")
@login_required
def live():
    now = clock.now()
    site, need = request.args.get("site") or None, request.args.get("need") or None
    # The teammate's own marks (hide, snooze, undo) change their board too.
    etag = board_live.board_etag(get_db(), current_user.id, site, need, now)
    if request.if_none_match.contains(etag):
        return "", 304, {"ETag": f'"{etag}"', "Cache-Control": "no-cache, private"}
    try:
        text = view_cache.body("boost.live", current_user.id, (etag,),
                               lambda: _live(now, site, need))
    except ValidationError as err:
        return jsonify(error="ValidationError", message=err.message), 400
    body = current_app.response_class(text, mimetype=current_app.json.mimetype)
    if not board_cache.served_stale(get_db()):
        # An answer from the plan before the one being computed must not be confirmed by
        # "304" later: without a validator the next poll fetches the new plan.
        body.headers["ETag"] = f'"{etag}"'
    body.headers["Cache-Control"] = "no-cache, private"
    return body


def _live(now, site: str | None, need: str | None) -> str:
    page, board = board_marks.my_board(get_db(), current_user, now, site=site, need=need)
    status = status_for_page()
    back = request.args.get("back") or "/boost/"
    # The board's groups and their rows, in page order, each keyed by its element id.
    rows = []
    for key, title, group_rows in page.sections:
        rows.append({"key": f"group-{key}", "html": render_template(
            "boost/_group_heading.html", key=key, title=title)})
        rows.extend({"key": f"diary-{row.diary_id}", "id": row.diary_id,
                     "html": board_row_html(row, back, board)}
                    for row in group_rows)
    return current_app.json.dumps(dict(
        rows=rows, folded=render_template("boost/_folded.html", board=board, back=back),
        online=page.online, now=_iso(now),
        empty=status.empty_reason if not page.rows else None,
        problems=list(status.problems),
        sites=[{"name": s.name, "counts_at": _iso(s.counts_at)} for s in status.sites])) + "\n"
