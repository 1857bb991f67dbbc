"""The three real blogs, their feeds and the default topic rules, for a fresh install.

``seed_defaults`` is idempotent: it adds what is missing (site by slug, feed by URL, rule
by phrase + field) and never changes what an admin has since edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Feed, Site, TopicRule
from scrapers.topics import DEFAULT_RULES


@dataclass(frozen=True)
class SiteSeed:
    slug: str
    name: str
    base_url: str
    platform: str
    settings: dict
    # Always added, besides the platform adapter's default feeds.
    extra_feeds: tuple[tuple[str, str], ...] = ()
    # Used only when the platform's adapter is not available.
    fallback_feeds: tuple[tuple[str, str], ...] = ()


# Rec-list settings reflect each blog's traffic in 2007: Daily Kos needs many recommends
# within a couple of hours; the smaller blogs' lists move slower and need far fewer.
SITES = (
    SiteSeed("dailykos", "Daily Kos", "https://www.dailykos.com", "dailykos",
             dict(rec_slots=8, rec_half_life_hours=2.0, rec_fallback_threshold=50.0,
                  rec_window_hours=24.0, comment_target=10, crosspost_window_hours=48.0,
                  # Its feeds linked through FeedBurner (2019): those redirect links are
                  # resolved on this host (see scrapers.redirects).
                  extra_hosts="feeds.dailykosmedia.com"),
             extra_feeds=(("/rss/recentstories.xml", "diaries"),
                          ("/rss/tag:Healthcare.xml", "tag")),
             fallback_feeds=(("/rss/tag:Community.xml", "diaries"),)),
    SiteSeed("mydd", "MyDD", "http://www.mydd.com", "scoop",
             dict(rec_slots=5, rec_half_life_hours=4.0, rec_fallback_threshold=10.0,
                  rec_window_hours=36.0, comment_target=5, crosspost_window_hours=48.0),
             fallback_feeds=(("/backend.rdf", "diaries"),)),
    SiteSeed("calitics", "Calitics", "http://www.calitics.com", "soapblox",
             dict(rec_slots=5, rec_half_life_hours=6.0, rec_fallback_threshold=5.0,
                  rec_window_hours=48.0, comment_target=4, crosspost_window_hours=72.0),
             fallback_feeds=(("/rss.xml", "diaries"),)),
)


def _default_feeds(seed: SiteSeed) -> list[tuple[str, str]]:
    """The adapter's feeds for the site, plus the seed's extra ones."""
    try:
        from scrapers.adapters import get_adapter

        feeds = list(get_adapter(seed.platform).default_feeds(seed.base_url))
    except (ImportError, LookupError, ValueError):
        feeds = [(seed.base_url + path, kind) for path, kind in seed.fallback_feeds]
    for path, kind in seed.extra_feeds:
        url = seed.base_url + path
        if url not in {u for u, _ in feeds}:
            feeds.append((url, kind))
    return feeds


def seed_defaults(session: Session, now: datetime) -> None:
    """Add the default sites, feeds and topic rules that are missing (flushes)."""
    for seed in SITES:
        site = session.scalar(select(Site).where(Site.slug == seed.slug))
        if site is None:
            site = Site(slug=seed.slug, name=seed.name, base_url=seed.base_url,
                        platform=seed.platform, created_at=now, **seed.settings)
            session.add(site)
            session.flush()
        known = set(session.scalars(select(Feed.url)))
        for url, kind in _default_feeds(seed):
            if url not in known:
                session.add(Feed(site_id=site.id, url=url, kind=kind, next_poll_at=now,
                                 created_at=now))
                known.add(url)
    existing = {(phrase.lower(), field) for phrase, field in
                session.execute(select(TopicRule.phrase, TopicRule.field))}
    for rule in DEFAULT_RULES:
        if (rule.phrase.lower(), rule.field) not in existing:
            session.add(TopicRule(phrase=rule.phrase, weight=rule.weight, field=rule.field,
                                  needs_context=rule.needs_context, enabled=True,
                                  created_at=now))
            existing.add((rule.phrase.lower(), rule.field))
    session.flush()
