"""Refresh counts: read young diaries' pages for their recommend and comment counts.

:func:`app.sources.counts.refresh` is the one function the scheduler job, ``make demo``
and ``python run.py refresh-counts`` call; it selects with :func:`due_diaries` and reads
with :func:`refresh_counts`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from models import Diary, RecListEntry, RecListSnapshot, Site
from models.db import unit_of_work
from scrapers import pageguard, store
from scrapers.hosts import on_hosts, site_hosts
from scrapers.pages import read_page
from scrapers.types import DiaryCounts

log = logging.getLogger(__name__)


def latest_snapshot_id(site_id: int):
    """The id of the site's latest rec-list snapshot, as a scalar subquery (None: none)."""
    return (select(RecListSnapshot.id).where(RecListSnapshot.site_id == site_id)
            .order_by(RecListSnapshot.taken_at.desc(), RecListSnapshot.id.desc())
            .limit(1).scalar_subquery())


def due_diaries(session: Session, now: datetime, interval: timedelta,
                limit: int | None = 500, site_ids: Sequence[int] | None = None) -> list[int]:
    """Diaries due for an observation (of ``site_ids`` only, when given): those still
    inside their site's rec-list window, and every diary on the site's latest scraped rec
    list whatever its age. The list's oldest entries set the bar; were they no longer
    read, their counts would go stale and the bar with them (issue 12: a step-aged list of
    day-old diaries left unread read a bar of 0.27 against a true 17.6)."""
    ids: list[int] = []
    sites = select(Site.id, Site.rec_window_hours).where(Site.enabled.is_(True))
    if site_ids is not None:
        sites = sites.where(Site.id.in_(list(site_ids)))
    for site_id, window in session.execute(sites):
        listed = select(RecListEntry.diary_id).where(
            RecListEntry.snapshot_id == latest_snapshot_id(site_id))
        query = (select(Diary.id).where(
            Diary.site_id == site_id,
            or_(Diary.published_at >= now - timedelta(hours=window), Diary.id.in_(listed)),
            Diary.published_at <= now,
            or_(Diary.counts_checked_at.is_(None), Diary.counts_checked_at <= now - interval))
            .order_by(Diary.counts_checked_at.is_not(None), Diary.counts_checked_at,
                      Diary.published_at.desc()))
        ids += session.scalars(query.limit(limit) if limit else query)
    return ids[:limit] if limit else ids


def refresh_counts(sessions: sessionmaker[Session], diary_ids: Sequence[int], now: datetime,
                   fetcher, *, workers: int = 1,
                   page_time_limit: float = pageguard.TIME_LIMIT) -> int:
    """Scrape each diary's page for its recommend/comment counts and store an observation.

    Pages are fetched with no transaction open, and only on the diary's own site's hosts
    (:mod:`scrapers.hosts`): a link elsewhere is stored but never fetched. The reads are
    then stored in one transaction, each with a scrape-health row saying which fields it
    found. Returns how many diaries were observed (pages that failed, were nested absurdly
    deep or took longer than ``page_time_limit`` to read are skipped).
    """
    from scrapers.adapters import get_adapter

    if not diary_ids:
        return 0
    with sessions() as session:
        targets = session.execute(
            select(Diary.id, Diary.url, Diary.site_id, Site.platform, Site.base_url,
                   Site.extra_hosts).join(Site, Diary.site_id == Site.id)
            .where(Diary.id.in_(list(diary_ids)))).all()
        site_rules = store.load_extraction_rules(session, {t.site_id for t in targets})

    def observe(target) -> tuple[int, int, DiaryCounts | None]:
        hosts = site_hosts(target.base_url, target.extra_hosts)
        if not on_hosts(target.url, hosts):
            log.info("counts for diary %s not read: its link is not on its site's hosts",
                     target.id, extra={"diary_id": target.id})
            return target.id, target.site_id, None
        result = fetcher.fetch(target.url, hosts=hosts)  # redirects stay home too
        if not result.ok or not result.body:
            log.info("counts for diary %s not read: %s", target.id, result.error,
                     extra={"diary_id": target.id})
            return target.id, target.site_id, None
        try:
            counts = read_page(get_adapter(target.platform), result.body, result.url,
                               site_rules.get(target.site_id, ()), page_time_limit)
        except pageguard.PageRefused as refused:
            log.warning("counts for diary %s not read: %s", target.id, refused.message,
                        extra={"diary_id": target.id})
            return target.id, target.site_id, None
        except Exception:  # noqa: BLE001 - a page we cannot read is skipped, not fatal
            log.exception("counts for diary %s unreadable", target.id,
                          extra={"diary_id": target.id})
            counts = DiaryCounts(None, None)
        return target.id, target.site_id, counts

    if workers > 1 and len(targets) > 1:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="counts") as pool:
            observed = list(pool.map(observe, targets))
    else:
        observed = [observe(t) for t in targets]
    done = 0
    with unit_of_work(sessions) as session:
        for diary_id, site_id, counts in observed:
            if counts is not None:
                store.record_counts(session, diary_id, counts, now)
                store.record_page_read(session, site_id, diary_id, counts, now)
                done += 1
        store.prune_page_reads(session, now)
    return done
