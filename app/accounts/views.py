"""Log in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from app import clock
from app.accounts import login_throttle as throttle
from app.accounts import users as user_service
from app.web.db import get_db
from app.web.extensions import limiter
from app.web.forms import EmptyForm, LoginForm
from app.web.sessions import start_session

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_LIMIT"]


def _failed(response) -> bool:
    # Only failed attempts count, so a user who logs in fine is never slowed down.
    return response.status_code == 401


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") \
            and not urlsplit(target).netloc:
        return target
    return url_for("main.home")


def login_throttle() -> throttle.LoginThrottle:
    return current_app.extensions["diaryboost.login_throttle"]


def _known_device(email: str) -> bool:
    cookie = request.cookies.get(throttle.KNOWN_DEVICE_COOKIE)
    return throttle.account_key(email) in throttle.known_accounts(
        current_app.config["SECRET_KEY"], cookie)


def _remember_device(response, email: str):
    value = throttle.remember_device(current_app.config["SECRET_KEY"],
                                     request.cookies.get(throttle.KNOWN_DEVICE_COOKIE), email)
    response.set_cookie(throttle.KNOWN_DEVICE_COOKIE, value, path=url_for("auth.login"),
                        max_age=throttle.KNOWN_DEVICE_DAYS * 86400, httponly=True,
                        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


# The address limit is a cap on failures from one client over all accounts (spraying);
# per-account guessing is slowed by app.accounts.login_throttle, which never locks the owner out.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    email, client = form.email.data.strip().lower(), request.remote_addr or "unknown"
    now = clock.now().timestamp()
    wait = login_throttle().wait(email, client, now, known_device=_known_device(email))
    if wait > 0:
        seconds = max(1, round(wait))
        flash(f"Too many attempts for this account from here. Wait {seconds} seconds and "
              "try again.", "error")
        return (render_template("auth/login.html", form=form), 429,
                {"Retry-After": str(seconds)})
    user = user_service.authenticate(get_db(), email, form.password.data, clock.now())
    if user is None:
        login_throttle().failed(email, client, now)
        flash("Wrong email or password.", "error")
        return render_template("auth/login.html", form=form), 401
    login_throttle().succeeded(email, client)
    start_session(user)
    return _remember_device(redirect(_safe_next(request.args.get("next"))), email)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        # A signed cookie cannot be taken back, so logging out moves the session version
        # on: a copy of this cookie saved anywhere stops working too (so do other devices).
        user_service.end_sessions(get_db(), current_user)
        logout_user()
        flash("You are logged out, on every device.", "info")
    return redirect(url_for("auth.login"))
