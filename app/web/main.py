"""Home and health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from app.web.db import get_db
from config import VERSION

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    # The dashboard blueprint, when registered, is every user's home page.
    if "boost" in current_app.blueprints:
        return redirect(url_for("boost.today"))
    return redirect(url_for("main.welcome"))


@bp.route("/welcome")
@login_required
def welcome():
    return render_template("welcome.html")


@bp.route("/healthz")
def healthz():
    try:
        get_db().execute(text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # noqa: BLE001 - any database failure means "not ok"
        database = f"error: {type(exc).__name__}"
    status = "ok" if database == "ok" else "degraded"
    return jsonify(status=status, database=database, version=VERSION), (
        200 if status == "ok" else 503)
