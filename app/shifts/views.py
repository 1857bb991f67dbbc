"""Shifts: My shifts (claim/drop), the coordinator's planning page, the iCal feed."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app import clock
from app.accounts.users import user_for_feed_secret
from app.errors import DomainError
from app.shifts import calendar as calendar_service
from app.shifts import coverage as coverage_service
from app.shifts import mail as shift_mail
from app.shifts import service as svc
from app.text import plural
from app.web.auth import role_required
from app.web.config import app_config
from app.web.db import after_commit, get_db
from app.web.form_replies import button_post
from app.web.forms import EmptyForm
from app.web.http_errors import refuse
from models import FOCUSES

bp = Blueprint("shifts", __name__, url_prefix="/shifts")



def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


FOCUS_CHOICES = _choices((f, svc.FOCUS_LABELS[f]) for f in FOCUSES)
REPEAT_CHOICES = _choices([("", "does not repeat"), ("daily", "every day"),
                           ("weekdays", "every weekday (Mon–Fri)"), ("weekly", "every week")])
SCOPE_CHOICES = _choices([("one", "only this shift"),
                          ("future", "this and later shifts of its series")])


class ShiftForm(FlaskForm):
    site_id = SelectField("Site", choices=_choices([("", "Any site")]))
    day = DateField("Date", validators=[DataRequired()])
    start = TimeField("Starts", validators=[DataRequired()])
    end = TimeField("Ends", validators=[DataRequired()])
    overnight = BooleanField("Overnight shift (ends the next day)")
    focus = SelectField("Focus", choices=FOCUS_CHOICES, default="any")
    places = IntegerField("People needed", default=1, validators=[NumberRange(1, 50)])
    note = TextAreaField("Note", validators=[Length(max=1000)])


class CreateForm(ShiftForm):
    repeat = SelectField("Repeat", choices=REPEAT_CHOICES, default="")
    count = IntegerField("Times", validators=[Optional(), NumberRange(1, svc.MAX_OCCURRENCES)])
    until = DateField("Until", validators=[Optional()])
    assignees = SelectMultipleField("Assign", coerce=int, validators=[Optional()])


class EditForm(ShiftForm):
    scope = SelectField("Apply to", choices=SCOPE_CHOICES, default="one")


class ScopeForm(FlaskForm):
    scope = SelectField("Apply to", choices=SCOPE_CHOICES, default="one")
    # Unset on the first post: the coordinator is shown what the cancel hits first.
    confirm = BooleanField("Yes, cancel")


class AssignForm(FlaskForm):
    user_id = SelectField("Teammate", coerce=int)


def _zone():
    return svc.zone_of(current_user, app_config().TIMEZONE)


def _template_helpers() -> dict:
    return dict(zone=_zone(), focus_labels=svc.FOCUS_LABELS, open_count=svc.open_count,
                active=svc.active, describe=svc.describe, undo_deadline=svc.undo_deadline)


def _with_choices(form: ShiftForm):
    sites, people = svc.planning_choices(get_db())
    form.site_id.choices = _choices([("", "Any site")] + [(str(s.id), s.name) for s in sites])
    if isinstance(form, CreateForm):
        form.assignees.choices = _choices((u.id, u.display_name) for u in people)
    return form, people


def _times(form: ShiftForm) -> dict:
    start = datetime.combine(form.day.data, form.start.data)
    return dict(site_id=int(form.site_id.data) if form.site_id.data else None,
                start_local=start, end_local=datetime.combine(form.day.data, form.end.data),
                zone=_zone(), focus=form.focus.data, places=form.places.data,
                note=form.note.data, overnight=form.overnight.data)


def _notify_after_commit(change: svc.ShiftChange) -> None:
    """Tell the affected teammates once the edge has committed (never before)."""
    config = app_config()
    mails = shift_mail.notice_mails(get_db(), config, change.notices)
    if mails:
        after_commit(lambda: shift_mail.send_mails(config, mails))


# My shifts --------------------------------------------------------------------

@bp.route("/")
@login_required
def mine():
    now = clock.now()
    db = get_db()
    return render_template("shifts/mine.html", mine=svc.my_shifts(db, current_user, now),
                           open_shifts=svc.open_shifts(db, current_user, now), now=now,
                           cutoff=app_config().SHIFT_DROP_CUTOFF_HOURS,
                           action_form=EmptyForm(), **_template_helpers())


@bp.route("/<int:shift_id>/claim", methods=["POST"])
@login_required
@button_post(".mine")
def claim(shift_id: int):
    svc.claim(get_db(), user=current_user, shift_id=shift_id, now=clock.now())
    flash("You're on it: the shift is in your list and your calendar feed.", "success")


@bp.route("/<int:shift_id>/claim-series", methods=["POST"])
@login_required
@button_post(".mine")
def claim_series(shift_id: int):
    result = svc.claim_series(get_db(), user=current_user, shift_id=shift_id, now=clock.now())
    if result.claimed:
        flash(f"You're on {plural(len(result.claimed), 'shift')} of the series.", "success")
    for shift, why in result.skipped:
        flash(f"Skipped {svc.describe(shift, _zone())}: {why}", "error")


@bp.route("/<int:shift_id>/drop", methods=["POST"])
@login_required
@button_post(".mine")
def drop(shift_id: int):
    svc.drop(get_db(), user=current_user, shift_id=shift_id, now=clock.now(),
             cutoff_hours=app_config().SHIFT_DROP_CUTOFF_HOURS)
    flash("You dropped that shift; its place is open again.", "success")


@bp.route("/calendar/<feed_secret>.ics")
def calendar(feed_secret: str):
    # The secret is the only credential: calendar apps cannot log in.
    user = user_for_feed_secret(get_db(), feed_secret)
    if user is None:
        abort(404)
    body = calendar_service.user_calendar(get_db(), user, clock.now(), app_config().BASE_URL,
                                          app_config().SHIFT_REMINDER_MINUTES)
    return Response(body, mimetype="text/calendar",
                    headers={"Cache-Control": "private, max-age=300",
                             "Content-Disposition": 'inline; filename="diaryboost-shifts.ics"'})


# Planning (coordinators) ----------------------------------------------------------

def _prefilled_create_form() -> CreateForm:
    # The "plan a shift here" links on the gap list prefill site, date and start.
    data = {}
    args = request.args
    try:
        if args.get("date"):
            data["day"] = datetime.strptime(args["date"], "%Y-%m-%d").date()
        if args.get("start"):
            start = datetime.strptime(args["start"], "%H:%M")
            data["start"] = start.time()
            data["end"] = start.replace(hour=(start.hour + 3) % 24).time()
            data["overnight"] = start.hour + 3 >= 24
    except ValueError:
        data = {}
    if args.get("site", "").isdigit():
        data["site_id"] = args["site"]
    return CreateForm(data=data)


def _coverage(form: CreateForm, status: int = 200):
    form, people = _with_choices(form)
    page = coverage_service.coverage_page(get_db(), _zone(), clock.now())
    return render_template("shifts/coverage.html", page=page, form=form, people=people,
                           scope_form=ScopeForm(), action_form=EmptyForm(),
                           now=clock.now(), **_template_helpers()), status


@bp.route("/coverage")
@role_required("coordinator")
def coverage():
    return _coverage(_prefilled_create_form())


@bp.route("/new", methods=["POST"])
@role_required("coordinator")
def create():
    form, _ = _with_choices(CreateForm())
    if not form.validate_on_submit():
        return _coverage(form, 400)
    try:
        change = svc.create_shifts(get_db(), by=current_user, repeat=form.repeat.data or None,
                                   count=form.count.data, until=form.until.data,
                                   assignee_ids=form.assignees.data or [], now=clock.now(),
                                   **_times(form))
    except DomainError as err:
        return _coverage(form, refuse(err))
    _notify_after_commit(change)
    flash(f"Created {plural(len(change.shifts), 'shift')}.", "success")
    return redirect(url_for(".coverage"))


@bp.route("/<int:shift_id>/edit", methods=["GET", "POST"])
@role_required("coordinator")
def edit(shift_id: int):
    shift = svc.get_shift(get_db(), shift_id)
    zone = _zone()
    if request.method == "GET":
        start, end = shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)
        form = EditForm(data=dict(site_id=str(shift.site_id or ""), day=start.date(),
                                  start=start.time(), end=end.time(),
                                  overnight=end.date() != start.date(), focus=shift.focus,
                                  places=shift.places, note=shift.note or ""))
    else:
        form = EditForm()
    form, _ = _with_choices(form)
    status = 200
    if form.validate_on_submit():
        try:
            change = svc.update_shifts(get_db(), shift_id, by=current_user,
                                       scope=form.scope.data, now=clock.now(), **_times(form))
            _notify_after_commit(change)
            flash(f"Saved {plural(len(change.shifts), 'shift')}.", "success")
            return redirect(url_for(".coverage"))
        except DomainError as err:
            status = refuse(err)
            shift = svc.get_shift(get_db(), shift_id)
    elif request.method == "POST":
        status = 400
    return render_template("shifts/edit.html", shift=shift, form=form,
                           **_template_helpers()), status


@bp.route("/<int:shift_id>/cancel", methods=["POST"])
@role_required("coordinator")
def cancel(shift_id: int):
    """First post: show what the cancel hits and ask. Second (confirm=y): cancel."""
    form = ScopeForm()
    if not form.validate_on_submit():
        flash("Choose which shifts to cancel.", "error")
        return redirect(url_for(".coverage"))
    try:
        if not form.confirm.data:
            plan = svc.cancel_plan(get_db(), shift_id, by=current_user, scope=form.scope.data)
            return render_template("shifts/cancel.html", plan=plan, shift_id=shift_id,
                                   scope=form.scope.data,
                                   undo_minutes=svc.UNDO_MINUTES, **_template_helpers())
        change = svc.cancel_shifts(get_db(), shift_id, by=current_user,
                                   scope=form.scope.data, now=clock.now())
        _notify_after_commit(change)
        flash(f"Cancelled {plural(len(change.shifts), 'shift')}. You can undo this for "
              f"{svc.UNDO_MINUTES} minutes from the list below.", "success")
    except DomainError as err:
        refuse(err)
    return redirect(url_for(".coverage") + "#list-h")


@bp.route("/<int:shift_id>/restore", methods=["POST"])
@role_required("coordinator")
@button_post(".coverage", "list-h")
def restore(shift_id: int):
    change = svc.restore_shifts(get_db(), shift_id, by=current_user, now=clock.now())
    _notify_after_commit(change)
    flash(f"Undone: {plural(len(change.shifts), 'shift')} on again.", "success")


@bp.route("/<int:shift_id>/assign", methods=["POST"])
@role_required("coordinator")
def assign(shift_id: int):
    form = AssignForm()
    form.user_id.choices = _choices((u.id, u.display_name)
                                    for u in svc.planning_choices(get_db())[1])
    if form.validate_on_submit():
        try:
            change = svc.assign(get_db(), by=current_user, shift_id=shift_id,
                                user_id=form.user_id.data, now=clock.now())
            _notify_after_commit(change)
            flash("Assigned.", "success")
        except DomainError as err:
            refuse(err)
    else:
        flash("Choose a teammate to assign.", "error")
    return redirect(url_for(".coverage"))


@bp.route("/<int:shift_id>/unassign/<int:user_id>", methods=["POST"])
@role_required("coordinator")
@button_post(".coverage")
def unassign(shift_id: int, user_id: int):
    change = svc.unassign(get_db(), by=current_user, shift_id=shift_id, user_id=user_id,
                          now=clock.now())
    _notify_after_commit(change)
    flash("Taken off the shift; the place is open again.", "success")
