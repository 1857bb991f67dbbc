"""Your profile: preferences, password, API token, personal feed URLs."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.db import commit, get_db
from app.errors import DomainError
from app.services import profile as profile_service
from app.services import users as user_service

bp = Blueprint("profile", __name__, url_prefix="/profile")

_ZONES = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


def _render(status: int = 200, new_token: str | None = None):
    zones = _ZONES if current_user.timezone in _ZONES else [current_user.timezone, *_ZONES]
    return render_template("profile/index.html", zones=zones, new_token=new_token), status


@bp.route("/")
@login_required
def index():
    return _render()


@bp.route("/preferences", methods=["POST"])
@login_required
def preferences():
    try:
        profile_service.update_preferences(
            get_db(), current_user, timezone=request.form.get("timezone", ""),
            digest_opt_in=request.form.get("digest_opt_in") == "on",
            shift_reminder_minutes=request.form.get("shift_reminder_minutes", ""),
            recs_per_hour=request.form.get("recs_per_hour"))
    except DomainError as err:
        get_db().rollback()
        flash(err.message, "error")
        return _render(err.status)
    commit()
    flash("Preferences saved.", "success")
    return redirect(url_for(".index"), code=303)


@bp.route("/password", methods=["POST"])
@login_required
def password():
    try:
        profile_service.change_password(
            get_db(), current_user, current=request.form.get("current_password", ""),
            new=request.form.get("new_password", ""), confirm=request.form.get("confirm", ""))
    except DomainError as err:
        flash(err.message, "error")
        return _render(err.status)
    commit()
    flash("Password changed.", "success")
    return redirect(url_for(".index"), code=303)


@bp.route("/token", methods=["POST"])
@login_required
def create_token():
    token = user_service.issue_api_token(get_db(), current_user)
    commit()
    # Rendered, not redirected: the token is shown this once and never stored in a cookie.
    return _render(new_token=token)


@bp.route("/token/revoke", methods=["POST"])
@login_required
def revoke_token():
    user_service.revoke_api_token(get_db(), current_user)
    commit()
    flash("API token revoked; programs using it can no longer connect.", "success")
    return redirect(url_for(".index"), code=303)


@bp.route("/secret/rotate", methods=["POST"])
@login_required
def rotate_secret():
    user_service.rotate_feed_secret(get_db(), current_user)
    commit()
    flash("New personal URLs made; the old ones no longer work.", "success")
    return redirect(url_for(".index"), code=303)
