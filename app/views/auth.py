"""Log in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app import clock
from app.db import commit, get_db
from app.extensions import limiter, login_account_key
from app.forms import EmptyForm, LoginForm
from app.services import users as user_service

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


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, methods=["POST"], key_func=login_account_key,
               deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = user_service.authenticate(get_db(), form.email.data, form.password.data,
                                         clock.now())
        if user is not None:
            commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash("Wrong email or password.", "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        logout_user()
        flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
