"""The ``?week=`` argument of the weekly pages (Team, the digest preview)."""

from __future__ import annotations

from flask import redirect, request, url_for
from werkzeug.wrappers import Response

from app.digest.weeks import WeekArg, read_week_arg


def week_arg(endpoint: str) -> tuple[WeekArg, Response | None]:
    """The request's week argument, and the answer for an old date-style link: a permanent
    redirect to ``endpoint`` for the ISO week holding that date (None for any other)."""
    arg = read_week_arg(request.args.get("week"))
    if arg.redirect_to:
        return arg, redirect(url_for(endpoint, week=arg.redirect_to), 301)
    return arg, None
