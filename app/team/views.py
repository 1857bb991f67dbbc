"""Team (coordinator+): who did what this week, by kind and by day, and who is quiet; and
the team's settings."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from app import clock
from app.boost import our_diaries
from app.digest import weeks
from app.team import service as team_service
from app.web.auth import role_required
from app.web.db import get_db
from app.web.form_replies import done
from app.web.templating import viewer_zone
from app.web.week_arg import week_arg
from models import ACTION_KINDS

bp = Blueprint("team", __name__, url_prefix="/team")


@bp.route("/")
@role_required("coordinator")
def index():
    # Weeks are named as on the Digest page (2026-W47); old date links redirect.
    arg, moved = week_arg(".index")
    if moved is not None:
        return moved
    zone = viewer_zone()
    current = weeks.week_at(clock.now(), zone.key)
    span = weeks.parse_week(arg.label, zone.key) if arg.label else current
    week = team_service.team_week(get_db(), span.start, span.end, zone)
    return render_template(
        "team/index.html", week=week, span=span, kinds=ACTION_KINDS,
        heat=team_service.heat_level, prev_week=span.previous(zone.key).label,
        next_week=span.next(zone.key).label if span.start < current.start else None,
        is_current=span.start == current.start, week_error=arg.error,
        prefer_ours=our_diaries.prefer_ours(get_db()),
    ), 400 if arg.error else 200


@bp.route("/settings", methods=["POST"])
@role_required("coordinator")
def settings():
    on = request.form.get("prefer_ours") == "on"
    our_diaries.set_prefer_ours(get_db(), current_user, on, clock.now())
    return done("Our own diaries now come first in their group on Boost today." if on else
                "Our own diaries are ranked like any other again.", "team-settings")
