"""Site rhythms: when to post, per site, as heat maps over the hours of the week."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from app import clock
from app.team import rhythms as svc
from app.web.db import get_db
from app.web.templating import viewer_zone

bp = Blueprint("rhythms", __name__, url_prefix="/rhythms")


@bp.route("/")
@login_required
def index():
    sites = svc.rhythm_sites(get_db())
    chosen = next((s for s in sites if s.slug == request.args.get("site")),
                  sites[0] if sites else None)
    rhythm = svc.site_rhythm(get_db(), chosen, clock.now(), viewer_zone()) if chosen else None
    return render_template("rhythms/index.html", sites=sites, rhythm=rhythm, days=svc.DAYS,
                           maps=svc.heat_maps(rhythm) if rhythm else [], zone=viewer_zone())
