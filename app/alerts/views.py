"""Calls for help (admin): the team's chat webhook, kept in the database, shown masked."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from app import clock
from app.alerts import webhook_setting
from app.web.auth import role_required
from app.web.db import get_db
from app.web.form_replies import done, refused_inline

bp = Blueprint("alert_settings", __name__, url_prefix="/admin/alerts")


def _render(status: int = 200):
    page = render_template("admin/alerts.html",
                           webhook=webhook_setting.webhook_status(get_db()),
                           per_hour=current_app.config["ALERTS_PER_USER_PER_HOUR"],
                           base_url=current_app.config["BASE_URL"])
    # The form may have just carried the secret: keep the answer out of every cache.
    return page, status, {"Cache-Control": "no-store"}


@bp.route("/")
@role_required("admin")
def index():
    return _render()


@bp.route("/webhook", methods=["POST"])
@role_required("admin")
@refused_inline(_render)
def set_webhook():
    webhook_setting.set_webhook_url(get_db(), current_user, request.form.get("url", ""),
                                  clock.now())
    return done("Chat webhook saved. Calls for help go to it from the next poll.")


@bp.route("/webhook/remove", methods=["POST"])
@role_required("admin")
def remove_webhook():
    webhook_setting.clear_webhook_url(get_db(), current_user)
    return done("Chat webhook removed: calls for help go by email only.")
