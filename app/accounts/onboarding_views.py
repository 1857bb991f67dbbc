"""First run and passwords by link: the one-time set-up page, invitations, forgot password.

Thin: parse the form, call app.team.invites, render. Mail goes out after the commit;
when it cannot be sent (a fresh install has no mail server) the admin gets the link to
copy instead of an error.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from limits import parse as parse_limit
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app import clock
from app.accounts import login_throttle as throttle
from app.accounts import users as user_service
from app.errors import DomainError
from app.mail import send
from app.team import invites
from app.web.auth import role_required
from app.web.config import app_config
from app.web.db import commit, get_db
from app.web.extensions import limiter
from app.web.http_errors import refuse
from app.web.sessions import fresh_session
from models import ROLES

bp = Blueprint("onboarding", __name__)


class SetupForm(FlaskForm):
    email = EmailField("Your email", validators=[DataRequired(), Length(max=254)])
    display_name = StringField("Your name", validators=[Length(max=100)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=512)])
    confirm = PasswordField("Password again", validators=[DataRequired(), Length(max=512)])


class PasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), Length(max=512)])
    confirm = PasswordField("New password again", validators=[DataRequired(), Length(max=512)])


class InviteForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    display_name = StringField("Name", validators=[Length(max=100)])
    role = SelectField("Role", choices=list(ROLES), default="blogger")


class ForgotForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])


def _send(mail) -> str | None:
    """Send one mail now (after the commit); the error text, or None when it went."""
    [(_, error)] = send(app_config(), [mail])
    return None if error is None else str(error)


@bp.after_request
def _no_store(response):
    # These pages carry set-up tokens and one-time password links (the admin's link to
    # copy among them): never kept in a cache or the browser's history on disk.
    response.headers["Cache-Control"] = "no-store"
    return response


def _link(user, purpose: str) -> invites.Link:
    return invites.make_link(app_config().BASE_URL, app_config().SECRET_KEY, user, purpose,
                             clock.now())


def _set_from_link(form: FlaskForm, set_password: Callable[[], str]):
    """A valid post runs ``set_password``, which stores the password and returns the note
    for the log-in page; the answer is then the redirect there, on a fresh session:
    whoever was logged in here is out (the log-in page would otherwise bounce to their
    home) and a CSRF token planted before is dropped. Otherwise (no post, a bad form, a
    refusal): None and the status to draw the form again with."""
    if not form.validate_on_submit():
        return None, 400 if request.method == "POST" else 200
    try:
        note = set_password()
    except DomainError as err:
        return None, refuse(err)
    fresh_session()
    flash(note, "success")
    return redirect(url_for("auth.login")), 200


# Until the first user exists the log-in page is a dead end: it says where to go.
# Checked on the log-in page only, and never again in this process once users exist.
_HAS_USERS = "diaryboost.onboarding.has_users"


@bp.app_context_processor
def _first_run():
    if request.endpoint != "auth.login" or current_app.extensions.get(_HAS_USERS):
        return {}
    if invites.setup_needed(get_db()):
        return {"first_run": True}
    current_app.extensions[_HAS_USERS] = True
    return {}


@bp.route("/setup", methods=["GET", "POST"])
@limiter.limit("20 per 10 minutes")  # GET too: the page tells whether a token is right
def setup():
    db = get_db()
    if not invites.setup_needed(db):
        abort(404)  # done once: the page is gone
    token = request.values.get("token", "")
    form = SetupForm()

    def create_admin() -> str:
        user = invites.create_first_admin(
            db, app_config().SECRET_KEY, token=token, email=form.email.data,
            display_name=form.display_name.data, password=form.password.data,
            confirm=form.confirm.data, timezone=app_config().TIMEZONE)
        return (f"Welcome! {user.email} is the first admin. Log in, then invite your "
                "teammates from Users.")

    to_login, status = _set_from_link(form, create_admin)
    if to_login is not None:
        return to_login
    token_ok = invites.setup_token_ok(app_config().SECRET_KEY, token)
    return render_template("onboarding/setup.html", form=form, token=token,
                           token_ok=token_ok), status


@bp.route("/password/<purpose>/<token>", methods=["GET", "POST"])
@limiter.limit("20 per 10 minutes", methods=["POST"])
def set_password(purpose: str, token: str):
    db = get_db()
    now = clock.now()
    form = PasswordForm()
    try:
        user = invites.read_link(db, app_config().SECRET_KEY, purpose, token, now)
    except DomainError as err:
        return render_template("onboarding/password.html", form=None, error=err.message), 410

    def use_link() -> str:
        invites.use_link(db, app_config().SECRET_KEY, purpose, token, form.password.data,
                         form.confirm.data, now)
        return "Your password is set. Log in with it now."

    to_login, status = _set_from_link(form, use_link)
    if to_login is not None:
        return to_login
    return render_template("onboarding/password.html", form=form, user=user,
                           purpose=purpose), status


# The route's limit is per client address; a victim's inbox needs one per account too,
# whoever asks and from however many addresses. Past it the answer is the same (it must
# not tell who has an account) and no mail goes; the links already sent still work.
RESET_MAILS_PER_ACCOUNT = parse_limit("3 per hour")


def _reset_mail_allowed(user) -> bool:
    return limiter.limiter.hit(RESET_MAILS_PER_ACCOUNT, "reset-mail",
                               throttle.account_key(user.email))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit("5 per 15 minutes", methods=["POST"])
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        user = invites.active_user_by_email(get_db(), form.email.data)
        if user is not None and not _reset_mail_allowed(user):
            current_app.logger.warning("reset mail not sent: too many for this account",
                                       extra={"user_id": user.id})
        elif user is not None:
            link = _link(user, "reset")
            error = _send(invites.link_mail(link))
            if error:
                current_app.logger.warning("reset mail not sent",
                                           extra={"user_id": user.id, "error": error})
        # The same answer either way: the page must not tell who has an account.
        flash("If that address has an account, a link to set a new password is on its way "
              "(valid 2 hours). No mail? Ask an admin for a reset link.", "info")
        return redirect(url_for("auth.login"))
    return render_template("onboarding/forgot.html", form=form), 400 if form.errors else 200


# Admins -------------------------------------------------------------------------

def _link_result(link: invites.Link, error: str | None, what: str):
    if error is None:
        flash(f"{what} emailed to {link.user.email} (the link works once, until "
              f"{link.expires_at:%d %b %H:%M} UTC).", "success")
        return redirect(url_for("admin_users.index"))
    # No mail server (or it refused): the admin hands the link over themselves.
    return render_template("onboarding/link.html", link=link, error=error, what=what)


@bp.route("/admin/invite", methods=["POST"])
@role_required("admin")
def invite():
    form = InviteForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(f"Invitation not sent: {message}", "error")
        return redirect(url_for("admin_users.index"))
    db = get_db()
    try:
        user = invites.invite(db, by=current_user, email=form.email.data,
                              display_name=form.display_name.data, role=form.role.data,
                              timezone=app_config().TIMEZONE)
    except DomainError as err:
        refuse(err)
        return redirect(url_for("admin_users.index"))
    link = _link(user, "invite")
    # The one commit before the edge: the page says whether the invitation mail went out,
    # and it must not go out for a user who was never stored.
    commit()
    return _link_result(link, _send(invites.link_mail(link, current_user.display_name)),
                        "Invitation")


@bp.route("/admin/users/<int:user_id>/reset-link", methods=["POST"])
@role_required("admin")
def reset_link(user_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    user = user_service.get_user(get_db(), user_id)
    if not user.active:
        flash(f"{user.email} is deactivated: reactivate the account first.", "error")
        return redirect(url_for("admin_users.index"))
    link = _link(user, "reset")
    return _link_result(link, _send(invites.link_mail(link)), "Password reset link")
