"""Read rec lists: which of a site's diaries its Recommended list shows (where one is
configured or the platform has one), matched by (site, story id) where the site has ids."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import Site
from models.db import unit_of_work
from scrapers import pageguard, store

log = logging.getLogger(__name__)


def refresh_rec_lists(sessions: sessionmaker[Session], now: datetime, fetcher,
                      site_ids: Sequence[int] | None = None) -> int:
    """Read each site's Recommended list (where its platform has one), flag the diaries on
    it and keep the list, in order, as a snapshot taken at ``now`` (snapshots older than
    ``models.SNAPSHOTS_KEPT_DAYS`` are pruned as new ones come). Returns how many sites'
    lists were read."""
    from scrapers.adapters import get_adapter

    with sessions() as session:
        query = select(Site.id, Site.platform, Site.base_url, Site.rec_list_url) \
            .where(Site.enabled.is_(True))
        if site_ids is not None:
            query = query.where(Site.id.in_(list(site_ids)))
        sites = session.execute(query).all()
    read = 0
    for site in sites:
        adapter = get_adapter(site.platform)
        url = site.rec_list_url or adapter.rec_list_url(site.base_url)
        if not url:
            continue
        result = fetcher.fetch(url)
        if not result.ok or not result.body:
            log.info("rec list of site %s not read: %s", site.id, result.error,
                     extra={"site_id": site.id})
            continue
        try:
            items = pageguard.read_page(
                result.body, partial(adapter.parse_rec_list, base_url=site.base_url))
        except pageguard.PageRefused as refused:
            log.warning("rec list of site %s not read: %s", site.id, refused.message,
                        extra={"site_id": site.id})
            continue
        except Exception:  # noqa: BLE001
            log.exception("rec list of site %s unreadable", site.id, extra={"site_id": site.id})
            continue
        with unit_of_work(sessions) as session:
            store.set_rec_list(session, site.id, [item.url for item in items],
                               [adapter.story_id(item.url) for item in items], now=now)
            session.get(Site, site.id).rec_list_checked_at = now
        read += 1
    return read
