"""Team (coordinator+): who did what this week, by kind and by day, and who is quiet."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, render_template, request

from app import clock
from app.auth_tools import role_required
from app.db import get_db
from app.services import team as team_service
from app.templating import viewer_zone
from app.validation import check_date
from models import ACTION_KINDS

bp = Blueprint("team", __name__, url_prefix="/team")


def _week_of(raw: str | None) -> date | None:
    # A garbled ?week= is not worth an error page: show the current week instead. A real
    # date outside the years we handle is refused (400), naming the parameter.
    try:
        day = date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
    return check_date("week", day) if day else None


@bp.route("/")
@role_required("coordinator")
def index():
    zone = viewer_zone()
    now = clock.now()
    start, end = team_service.week_bounds(now, zone, _week_of(request.args.get("week")))
    week = team_service.team_week(get_db(), start, end, zone)
    current_start, _ = team_service.week_bounds(now, zone)
    return render_template(
        "team/index.html", week=week, kinds=ACTION_KINDS, heat=team_service.heat_level,
        prev_week=(week.days[0] - timedelta(days=7)).isoformat(),
        next_week=(week.days[0] + timedelta(days=7)).isoformat()
        if start < current_start else None,
        is_current=start == current_start,
    )
