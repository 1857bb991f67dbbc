"""Jinja filters and globals: times in the viewer's zone, navigation by role."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, has_request_context
from flask_login import current_user

from app import clock
from app.text import count, plural

# (endpoint, label, minimum role), in nav order. Every blueprint is always registered.
NAV = [
    ("boost.today", "Boost today", "blogger"),
    ("shifts.mine", "My shifts", "blogger"),
    ("rhythms.index", "Site rhythms", "blogger"),
    ("shifts.coverage", "Shifts", "coordinator"),
    ("team.index", "Team", "coordinator"),
    ("digest.preview", "Digest", "coordinator"),
    ("sources.index", "Sources", "admin"),
    ("topics.index", "Topic rules", "admin"),
    ("admin_users.index", "Users", "admin"),
    ("alert_settings.index", "Alerts", "admin"),
]


def viewer_zone() -> ZoneInfo:
    # Asked for by every time on a page (hundreds on Boost today): worked out once per
    # request and user (a log-in or log-out in the request changes the user).
    user = current_user._get_current_object() if has_request_context() else None
    known = g.get("_viewer_zone") if user is not None else None
    if known is not None and known[0] is user:
        return known[1]
    name = None
    if user is not None and user.is_authenticated:
        name = user.timezone
    elif user is None and current_user and current_user.is_authenticated:
        name = current_user.timezone
    zone = ZoneInfo(name or current_app.config["TIMEZONE"])
    if user is not None:
        g._viewer_zone = (user, zone)
    return zone


# Times always carry their zone ("18:05 PST"): teammates live in several.
def localtime(value: datetime | None, fmt: str = "%a %d %b %H:%M %Z") -> str:
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(viewer_zone()).strftime(fmt)


def age(value: datetime | None) -> str:
    if value is None:
        return "—"
    seconds = max(0, (clock.now() - value).total_seconds())
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{int(seconds // 86400)} d"


def nav_items():
    if not (current_user and current_user.is_authenticated):
        return []
    return [(ep, label) for ep, label, role in NAV if current_user.has_role(role)]


def init_app(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["age"] = age
    app.jinja_env.filters["count"] = count
    app.jinja_env.filters["plural"] = plural
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["now"] = clock.now
