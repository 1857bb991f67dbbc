"""A site row as the ranking model sees it: the one place a ``Site`` becomes
``ranking.SiteSettings``, for the board, the diary page, the digest and the rhythms page."""

from __future__ import annotations

from app import ranking
from models import Site


def site_settings(site: Site) -> ranking.SiteSettings:
    return ranking.SiteSettings(
        slug=site.slug, name=site.name, rec_slots=site.rec_slots,
        half_life_hours=site.rec_half_life_hours,
        curve=ranking.Curve.step() if site.rec_aging == "step" else None,
        fallback_threshold=site.rec_fallback_threshold, comment_target=site.comment_target,
        crosspost_window_hours=site.crosspost_window_hours,
        rec_window_hours=site.rec_window_hours, enabled=site.enabled)
