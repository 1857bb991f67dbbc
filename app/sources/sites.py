"""A site row as the ranking model sees it: the one place a ``Site`` becomes
``ranking.SiteSettings``, for the board, the diary page, the digest and the rhythms page.

The aging curve is the one learned from the site's rec lists (app/sources/site_aging.py
stores it on the row) where there is one, else the configured one."""

from __future__ import annotations

from app import ranking
from models import Site


def configured_curve(site: Site) -> ranking.Curve:
    return ranking.Curve.step() if site.rec_aging == "step" \
        else ranking.Curve.exponential(site.rec_half_life_hours)


def learned_curve(site: Site) -> ranking.Curve | None:
    return ranking.Curve.from_json(site.learned_aging)


def site_curve(site: Site) -> ranking.Curve:
    """The aging the board applies: learned from the site's lists, else configured."""
    return learned_curve(site) or configured_curve(site)


def site_settings(site: Site) -> ranking.SiteSettings:
    return ranking.SiteSettings(
        slug=site.slug, name=site.name, rec_slots=site.rec_slots,
        half_life_hours=site.rec_half_life_hours, curve=site_curve(site),
        fallback_threshold=site.rec_fallback_threshold, comment_target=site.comment_target,
        crosspost_window_hours=site.crosspost_window_hours,
        rec_window_hours=site.rec_window_hours, enabled=site.enabled)
