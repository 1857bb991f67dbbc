"""Your profile: preferences, usernames on the sites, password, API token, personal feed
URLs."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from app import clock
from app.accounts import profile as profile_service
from app.accounts import users as user_service
from app.accounts.views import login_throttle
from app.boost import our_diaries
from app.digest import tokens as digest_tokens
from app.errors import DomainError, PermissionDenied
from app.web.db import get_db
from app.web.form_replies import done, refused_inline
from app.web.http_errors import http_status, refuse
from app.web.sessions import start_session
from app.zones import zone_choices
from models import Site

bp = Blueprint("profile", __name__, url_prefix="/profile")


def _render(status: int = 200, new_token: str | None = None, feed_secret: str | None = None,
            typed: dict | None = None):
    zones = zone_choices(current_user.timezone, clock.now())
    db = get_db()
    page = render_template("profile/index.html", zones=zones, new_token=new_token,
                           feed_secret=feed_secret,
                           accounts=our_diaries.accounts_of(db, current_user),
                           account_sites=db.scalars(select(Site).order_by(Site.name)).all(),
                           typed=typed or {},
                           alerts_per_hour=current_app.config["ALERTS_PER_USER_PER_HOUR"])
    # A page showing a token or secret URL must not stay in any cache or history copy.
    headers = {"Cache-Control": "no-store"} if new_token or feed_secret else {}
    return page, status, headers


@bp.route("/")
@login_required
def index():
    return _render()


@bp.route("/preferences", methods=["POST"])
@login_required
@refused_inline(_render)
def preferences():
    profile_service.update_preferences(
        get_db(), current_user, timezone=request.form.get("timezone", ""),
        digest_opt_in=request.form.get("digest_opt_in") == "on",
        shift_reminder_minutes=request.form.get("shift_reminder_minutes", ""),
        recs_per_hour=request.form.get("recs_per_hour"),
        alert_opt_in=request.form.get("alert_opt_in") == "on")
    return done("Preferences saved.")


def _account_change(change, message: str, typed: dict):
    """Apply a change to the user's usernames; on a refusal nothing is stored and the form
    comes back with what was typed and the reason."""
    try:
        change()
    except DomainError as err:
        return _render(refuse(err), typed=typed)
    return done(message)


@bp.route("/accounts", methods=["POST"])
@login_required
def add_account():
    site_id, username = request.form.get("site_id"), request.form.get("username", "")
    return _account_change(
        lambda: our_diaries.add_account(get_db(), current_user, site_id=site_id,
                                        username=username),
        "Username saved: your diaries there are marked as ours.",
        {"new": {"site_id": site_id, "username": username}})


@bp.route("/accounts/<int:account_id>", methods=["POST"])
@login_required
def rename_account(account_id: int):
    username = request.form.get("username", "")
    return _account_change(
        lambda: our_diaries.rename_account(get_db(), current_user, account_id,
                                           username=username),
        "Username changed.", {account_id: username})


@bp.route("/accounts/<int:account_id>/remove", methods=["POST"])
@login_required
def remove_account(account_id: int):
    return _account_change(
        lambda: our_diaries.remove_account(get_db(), current_user, account_id),
        "Username removed.", {})


@bp.route("/password", methods=["POST"])
@login_required
def password():
    # The current password is a log-in by another door: a stolen session must not get
    # unlimited guesses at it, so wrong ones count (and wait) as failed log-ins do.
    email, client = current_user.email, request.remote_addr or "unknown"
    now = clock.now().timestamp()
    wait = login_throttle().wait(email, client, now, known_device=False)
    if wait > 0:
        flash(f"Too many wrong passwords from here. Wait {max(1, round(wait))} seconds and "
              "try again.", "error")
        return _render(429)
    try:
        profile_service.change_password(
            get_db(), current_user, current=request.form.get("current_password", ""),
            new=request.form.get("new_password", ""), confirm=request.form.get("confirm", ""))
    except DomainError as err:
        if isinstance(err, PermissionDenied):
            login_throttle().failed(email, client, now)
        refuse(err)
        return _render(http_status(err))
    # The change ended every session; this one goes on under the new version.
    start_session(current_user._get_current_object())
    return done("Password changed. Other devices must log in again.")


@bp.route("/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    user_service.end_sessions(get_db(), current_user)
    start_session(current_user._get_current_object())
    return done("Logged out everywhere else; this browser stays logged in.")


@bp.route("/unsubscribe-links/reset", methods=["POST"])
@login_required
def reset_unsubscribe_links():
    digest_tokens.reset_links(get_db(), current_user)
    return done("Unsubscribe links in digests sent so far no longer work; new digests carry "
                "new ones.")


@bp.route("/token", methods=["POST"])
@login_required
def create_token():
    token = user_service.issue_api_token(get_db(), current_user)
    # Rendered, not redirected: the token is shown this once and never stored in a cookie.
    return _render(new_token=token)


@bp.route("/token/revoke", methods=["POST"])
@login_required
def revoke_token():
    user_service.revoke_api_token(get_db(), current_user)
    return done("API token revoked; programs using it can no longer connect.")


@bp.route("/secret/rotate", methods=["POST"])
@login_required
def rotate_secret():
    secret = user_service.rotate_feed_secret(get_db(), current_user)
    flash("New personal URLs made; the old ones no longer work.", "success")
    # Rendered, not redirected: like the API token, the URLs are shown this once.
    return _render(feed_secret=secret)
