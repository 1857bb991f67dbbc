"""A teammate hides a Boost today row ("not for me", "later") and undoes it.

Plain forms get a redirect and a flash; boost.js (fetch) gets the re-rendered row to
swap in place, as with logging an action."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app import clock
from app.boost import marks as board_marks
from app.boost import service as boost_service
from app.boost import views as boost_views
from app.errors import Conflict, DomainError
from app.web.db import discard, get_db
from app.web.http_errors import http_status
from app.web.templating import viewer_zone
from models import Diary

bp = Blueprint("board_marks", __name__)
bp.context_processor(boost_views._helpers)


def _answer(diary_id: int, notice: tuple[str, str], status: int, template: str, **context):
    back = boost_views._safe_back(request.form.get("next"), url_for("boost.today"))
    if request.headers.get("X-Requested-With") != "fetch":
        flash(notice[1], notice[0])
        return redirect(back, code=303)
    html = render_template(template, notice=notice, back=back, diary_id=diary_id, **context)
    return html, status, {"X-Boost-Row": "1", "Cache-Control": "no-store"}


@bp.route("/diaries/<int:diary_id>/hide", methods=["POST"])
@login_required
def hide(diary_id: int):
    now = clock.now()
    try:
        mark = board_marks.mark(get_db(), current_user, diary_id,
                                request.form.get("kind", ""), now,
                                snooze=request.form.get("snooze"), zone=viewer_zone())
    except DomainError as err:
        # The row stays as it was; the message says why nothing changed.
        discard()
        row = boost_service.boost_row(get_db(), current_user, now, diary_id) \
            if http_status(err) != 404 else None
        return _answer(diary_id, ("error", err.message), http_status(err),
                       "boost/_row_response.html", row=row)
    diary = get_db().get(Diary, diary_id)
    words = "Hidden: not for you." if mark.kind == "dismiss" else "Snoozed."
    return _answer(diary_id, ("success", f"{words} You can undo it for a few minutes."),
                   200, "boost/_row_hidden.html",
                   row={"diary_id": diary_id, "title": diary.title}, mark=mark)


@bp.route("/diaries/<int:diary_id>/unhide", methods=["POST"])
@login_required
def unhide(diary_id: int):
    now = clock.now()
    status = 200
    try:
        board_marks.unmark(get_db(), current_user, diary_id)
        notice = ("success", "Back on your board.")
    except Conflict as err:
        discard()
        notice = ("info", err.message)  # a second click on Undo changes nothing
    except DomainError as err:
        discard()
        notice, status = ("error", err.message), http_status(err)
    row = boost_service.boost_row(get_db(), current_user, now, diary_id) \
        if status != 404 else None
    return _answer(diary_id, notice, status, "boost/_row_response.html", row=row)


@bp.app_context_processor
def _snooze_choices():
    return {"snooze_choices": board_marks.SNOOZE_CHOICES}
