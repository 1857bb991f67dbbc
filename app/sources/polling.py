"""Poll now: what the Sources page's button and the CLI call (the scheduler's job calls
the same ``scrapers.poll.poll_feed`` through ``poll_many``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.errors import NotFound
from config import Config
from models import Feed, Site
from scrapers.fetch import Fetcher
from scrapers.poll import FeedNotFound, PollOutcome, poll_feed, poll_many
from scrapers.schedule import SchedulePolicy
from scrapers.types import FetchSettings


def poll_now(config: Config, sessions: sessionmaker[Session], feed_id: int,
             now: datetime) -> PollOutcome:
    """Poll one feed immediately (ignoring next_poll_at) with a fetcher built from config.

    Raises NotFound for an unknown feed; every other failure is in the outcome.
    """
    fetcher = Fetcher(FetchSettings.from_config(config))
    try:
        return poll_feed(sessions, feed_id, now, fetcher,
                         policy=SchedulePolicy.from_config(config))
    except FeedNotFound as err:
        raise NotFound(err.message) from None
    finally:
        fetcher.close()


def select_feeds(session: Session, *, site_slug: str | None = None,
                 feed_id: int | None = None) -> list[int]:
    """Feed ids for `poll [--site S] [--feed N]`: enabled feeds of enabled sites, or the
    one asked for. Unknown site or feed: NotFound."""
    if feed_id is not None:
        if session.get(Feed, feed_id) is None:
            raise NotFound(f"no feed with id {feed_id}")
        return [feed_id]
    query = (select(Feed.id).join(Site, Feed.site_id == Site.id)
             .where(Feed.enabled.is_(True), Site.enabled.is_(True)).order_by(Feed.id))
    if site_slug is not None:
        site_id = session.scalar(select(Site.id).where(Site.slug == site_slug))
        if site_id is None:
            raise NotFound(f"no site {site_slug!r} (see `python run.py sources list`)")
        query = query.where(Feed.site_id == site_id)
    return list(session.scalars(query))


def poll_feeds(config: Config, sessions: sessionmaker[Session], feed_ids: Sequence[int],
               now: datetime | Callable[[], datetime], *,
               on_done: Callable[[PollOutcome], None] | None = None,
               workers: int | None = None) -> list[PollOutcome]:
    """Poll several feeds now on POLL_WORKERS threads with one shared fetcher, parsing on
    POLL_PARSE_PROCESSES parser processes."""
    with Fetcher(FetchSettings.from_config(config)) as fetcher:
        return poll_many(sessions, feed_ids, now, fetcher,
                         policy=SchedulePolicy.from_config(config),
                         workers=workers or config.POLL_WORKERS,
                         parse_processes=config.POLL_PARSE_PROCESSES, on_done=on_done)
