"""Refresh young diaries' counts and the sites' rec lists: the one function the scheduler's
job, `make demo` and `python run.py refresh-counts` all call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from app.errors import NotFound
from config import Config
from models import Site
from scrapers.counts import due_diaries, refresh_counts
from scrapers.fetch import Fetcher
from scrapers.rec_lists import refresh_rec_lists
from scrapers.types import FetchSettings


@dataclass(frozen=True)
class CountsRefresh:
    due: int  # diaries due for a read
    observed: int  # pages read
    rec_lists: int  # rec lists read


def refresh_due_counts(config: Config, sessions: sessionmaker[Session], now: datetime,
                       site_slug: str | None = None) -> CountsRefresh:
    """Read the rec lists due, then the pages of the diaries due for it (of one site, with
    ``site_slug``): the young ones and those on the latest lists. Lists first, so a diary
    that just entered a list is read in the same round. NotFound for an unknown site slug."""
    interval = timedelta(seconds=config.METRICS_INTERVAL)
    with sessions() as session:
        sites = select(Site.id).where(Site.enabled.is_(True))
        if site_slug is not None:
            site_id = session.scalar(select(Site.id).where(Site.slug == site_slug))
            if site_id is None:
                raise NotFound(f"No site with slug {site_slug!r}")
            sites = sites.where(Site.id == site_id)
        site_filter = list(session.scalars(sites))
        list_ids = list(session.scalars(sites.where(
            or_(Site.rec_list_checked_at.is_(None),
                Site.rec_list_checked_at <= now - interval))))
    with Fetcher(FetchSettings.from_config(config)) as fetcher:
        lists = refresh_rec_lists(sessions, now, fetcher, list_ids) if list_ids else 0
        with sessions() as session:
            diary_ids = due_diaries(session, now, interval, site_ids=site_filter)
        observed = refresh_counts(sessions, diary_ids, now, fetcher,
                                  workers=config.POLL_WORKERS)
    return CountsRefresh(len(diary_ids), observed, lists)
