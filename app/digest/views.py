"""Digest preview (coordinators, admins) and the unsubscribe link (no login needed)."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template, request
from flask_login import current_user

from app import clock
from app.digest import preview as digest_preview
from app.digest import tokens
from app.web.auth import role_required
from app.web.config import app_config
from app.web.db import get_db
from app.web.extensions import csrf
from app.web.week_arg import week_arg

bp = Blueprint("digest", __name__, url_prefix="/digest")

# The mail's HTML carries inlined styles (mail clients need them) and is shown only in a
# sandboxed frame of our own preview page: nothing else is allowed in it.
EMAIL_FRAME_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                   "base-uri 'none'; form-action 'none'; frame-ancestors 'self'")


@bp.get("/preview")
@role_required("coordinator")
def preview():
    arg, moved = week_arg(".preview")
    if moved is not None:
        return moved
    page = digest_preview.preview_page(get_db(), arg.label, clock.now(), app_config(),
                                       current_user)
    return render_template("digest/preview.html", page=page,
                           week_error=arg.error), 400 if arg.error else 200


@bp.get("/preview/email")
@role_required("coordinator")
def preview_email():
    html = digest_preview.preview_html(get_db(), request.args.get("week"), clock.now(),
                                       app_config(), current_user)
    response = make_response(html)
    response.headers["Content-Security-Policy"] = EMAIL_FRAME_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


# No CSRF token here on purpose: mail clients' one-click unsubscribe (RFC 8058) POSTs
# without one. The signed token in the URL is what authorises the change.
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    secret = app_config().SECRET_KEY
    if request.method == "POST":
        user = tokens.unsubscribe(get_db(), secret, token)
        return render_template("digest/unsubscribed.html", user=user)
    user = tokens.user_for_token(get_db(), secret, token)
    return render_template("digest/unsubscribe.html", user=user, token=token)
