"""Boost today (the home page), the diary page, and logging what you did for a diary."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app import clock
from app.boost import charts, presence
from app.boost import live as board_live
from app.boost import marks as board_marks
from app.boost import service as boost_service
from app.boost.actions import DONE_PHRASES, KIND_LABELS, log_action
from app.boost.row_views import board_row_html
from app.errors import Conflict, DomainError, ValidationError
from app.sources import scrape_health
from app.web import view_cache
from app.web.db import discard, get_db
from app.web.http_errors import http_status
from app.web.templating import localtime, viewer_zone

bp = Blueprint("boost", __name__)


@bp.context_processor
def _helpers():
    return {"sparkline": charts.sparkline, "need_labels": boost_service.NEED_LABELS,
            "kind_labels": KIND_LABELS, "board_row_html": board_row_html}


def _safe_back(target: str | None, default: str) -> str:
    # Only paths on this site: a form field must not turn into an open redirect.
    if target and target.startswith("/") and not target.startswith("//") \
            and "\\" not in target and not urlsplit(target).netloc:
        return target
    return default


@bp.route("/boost/")
@login_required
def today():
    now = clock.now()
    try:
        state = board_live.snapshot(get_db(), current_user.id, now)
        return view_cache.page("boost.today", (state.marks, state.feeds),
                               lambda: _today(now))
    except ValidationError as err:
        # A bad filter (an old bookmark, a typo) shows the whole list and says why.
        flash(f"{err.message}. Showing every site and need instead.", "error")
        return redirect(url_for(".today"))


def _today(now) -> str:
    page, board = board_marks.my_board(get_db(), current_user, now,
                                       site=request.args.get("site"),
                                       need=request.args.get("need"))
    # Sites whose pages stopped showing their counts: said plainly above the list.
    alerts = scrape_health.site_alerts(get_db(), now)
    return render_template("boost/today.html", page=page, back=request.full_path.rstrip("?"),
                           scrape_alerts=alerts, stale_sites={a.site_id for a in alerts},
                           board=board, zone=viewer_zone())


@bp.route("/boost/presence", methods=["POST"])
@login_required
def heartbeat():
    """boost.js posts here while Boost today is visible and focused: the teammate is at
    the board, so the plan may ask them to act."""
    presence.touch(get_db(), current_user, clock.now())
    return "", 204, {"Cache-Control": "no-store"}


@bp.route("/boost/sites/<slug>/rec-list")
@login_required
def rec_list(slug: str):
    view = boost_service.rec_list_view(get_db(), current_user, slug, clock.now())
    return render_template("boost/rec_list.html", v=view)


@bp.route("/diaries/<int:diary_id>")
@login_required
def diary(diary_id: int):
    detail = boost_service.diary_detail(get_db(), current_user, diary_id, clock.now())
    chart = charts.metrics_chart(detail.times, detail.recommends, detail.comments,
                                 fmt_time=lambda t: localtime(t, "%a %H:%M"))
    return render_template("boost/diary.html", d=detail, chart=chart,
                           back=url_for(".diary", diary_id=diary_id))


@bp.route("/diaries/<int:diary_id>/actions", methods=["POST"])
@login_required
def act(diary_id: int):
    """Log an action. Plain forms get a redirect and a flash; boost.js (fetch) gets the
    re-rendered row to swap in place."""
    now = clock.now()
    status = 200
    try:
        log_action(get_db(), user=current_user, diary_id=diary_id,
                   kind=request.form.get("kind", ""),
                   target_site_slug=request.form.get("target_site"),
                   url=request.form.get("url"), now=now)
        presence.touch(get_db(), current_user, now)
        notice = ("success", f"Logged: you {DONE_PHRASES[request.form['kind']]}. "
                             "Thanks!")
    except Conflict as err:
        discard()
        notice = ("info", err.message)  # a repeat click is a no-op, not an error
    except DomainError as err:
        discard()
        notice, status = ("error", err.message), http_status(err)
    back = _safe_back(request.form.get("next"), url_for(".today"))
    if request.headers.get("X-Requested-With") != "fetch":
        flash(notice[1], notice[0])
        return redirect(back, code=303)
    row = boost_service.boost_row(get_db(), current_user, now, diary_id) \
        if status != 404 else None
    html = render_template("boost/_row_response.html", row=row, notice=notice, back=back,
                           diary_id=diary_id)
    return html, status, {"X-Boost-Row": "1", "Cache-Control": "no-store"}
