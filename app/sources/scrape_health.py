"""Scrape health per site, read from the recent page reads (see scrapers.health)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import PageRead, Site
from scrapers.adapters import get_adapter
from scrapers.health import WINDOW, MissingField, Read, missing_fields


@dataclass(frozen=True)
class SiteAlert:
    site_id: int
    site_slug: str
    site_name: str
    base_url: str
    missing: tuple[MissingField, ...]

    def messages(self, zone: str | ZoneInfo = "UTC") -> list[str]:
        """One plain sentence per missing field, times in ``zone``."""
        tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
        return [m.describe(self.site_name, m.since.astimezone(tz).strftime("%H:%M"))
                for m in self.missing]

    @property
    def recommends_missing(self) -> bool:
        return any(m.field == "recommends" for m in self.missing)


def site_alerts(session: Session, now: datetime) -> list[SiteAlert]:
    """Enabled sites whose diary pages stopped showing what their adapter reads."""
    sites = session.execute(select(Site.id, Site.slug, Site.name, Site.base_url, Site.platform)
                            .where(Site.enabled.is_(True)).order_by(Site.name)).all()
    reads: dict[int, list[Read]] = {}
    for row in session.execute(
            select(PageRead.site_id, PageRead.read_at, PageRead.found_recommends,
                   PageRead.found_comments, PageRead.found_author)
            # site_id IN (...) first: the (site_id, read_at) index serves each site's range.
            .where(PageRead.site_id.in_([s.id for s in sites]),
                   PageRead.read_at >= now - WINDOW)):
        found = frozenset(f for f, ok in (("recommends", row.found_recommends),
                                          ("comments", row.found_comments),
                                          ("author", row.found_author)) if ok)
        reads.setdefault(row.site_id, []).append(Read(row.read_at, found))
    alerts = []
    for site in sites:
        try:
            expected = get_adapter(site.platform).expected_fields
        except ValueError:
            continue
        missing = missing_fields(reads.get(site.id, ()), expected, now)
        if missing:
            alerts.append(SiteAlert(site.id, site.slug, site.name, site.base_url, missing))
    return alerts


def recommend_paused(session: Session, now: datetime) -> set[str]:
    """The slugs of the sites whose pages stopped showing recommend counts: recommend needs
    there would rest on stale numbers, so the board pauses them (Boost today says why)
    and nobody is called for help on them."""
    return {a.site_slug for a in site_alerts(session, now) if a.recommends_missing}
