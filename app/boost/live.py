"""Boost today that stays current: how fresh the board's numbers are, what is failing,
and a cheap fingerprint so the page's poll gets "304 Not Modified" when nothing moved.

The fingerprint is computed from a few MAX() queries, never from the ranking: most polls
change nothing, and they must not cost a full board each. It includes a 5-minute time
bucket, because the ranking itself moves with time (windows close, urgency grows).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, event, func, select, true
from sqlalchemy.orm import Session

from app.boost import board_cache
from app.boost import marks as board_marks
from app.boost.presence import ONLINE_MINUTES
from app.sources.service import feed_health
from models import Diary, Feed, Site, User, board_version
from models.board_version import BoardState

BUCKET = timedelta(minutes=5)
_FEEDS = "diaryboost.feeds_state"
YOUNG = timedelta(hours=48)


@dataclass(frozen=True)
class SiteFreshness:
    slug: str
    name: str
    counts_at: datetime | None  # latest count reading of a young diary
    polled_at: datetime | None  # latest successful feed poll


@dataclass(frozen=True)
class BoardStatus:
    sites: tuple[SiteFreshness, ...]
    problems: tuple[str, ...]  # plain sentences for the top of the board
    has_data: bool  # any diary published in the last 48 h at all

    @property
    def empty_reason(self) -> str:
        """Why an empty board is empty: no data is not the same as all good."""
        if not self.has_data:
            return "no-data"
        return "failing" if self.problems else "all-good"


def _feeds_query():
    return select(
        func.max(Feed.last_polled_at).label("polled"),
        func.sum(Feed.error_count).label("errors"), func.count(Feed.id).label("feeds"),
        func.count(Feed.id).filter(Feed.enabled.is_(True)).label("enabled"))


def feeds_state(session: Session) -> tuple:
    """What of the feeds shows on the board (their last poll, errors, how many): the feeds
    table is not part of the board's version. Read once per transaction."""
    if _FEEDS not in session.info:
        session.info[_FEEDS] = tuple(session.execute(_feeds_query()).one())
    return session.info[_FEEDS]


@dataclass(frozen=True)
class Snapshot:
    """What a teammate's board answer depends on besides the plan, read in one query."""

    feeds: tuple  # feeds_state
    marks: str  # app.boost.marks.fingerprint
    online: int  # teammates seen in the last ONLINE_MINUTES


def snapshot(session: Session, user_id: int, now: datetime) -> Snapshot:
    """The board's version (kept for the transaction, as ``board_version.current`` reads
    it), the feeds' state, the teammate's marks and how many are online: one round trip
    for every page view and poll, where four queries were."""
    row = session.execute(_snapshot_query(), {
        **board_marks.fingerprint_params(user_id, now),
        "online_since": now - timedelta(minutes=ONLINE_MINUTES)}).one_or_none()
    if row is None:  # before the migration that made board_state
        return Snapshot(feeds_state(session),
                        board_marks.fingerprint(session, user_id, now), 0)
    board_version.remember(session, row.version)
    session.info[_FEEDS] = (row.polled, row.errors, row.feeds, row.enabled)
    return Snapshot(session.info[_FEEDS], board_marks.fingerprint_of(
        (row.marks, row.marked_at, row.marks_live, row.marks_undoable)), row.online)


@functools.cache
def _snapshot_query():
    # Built once, with bound parameters: a statement this size made anew at every request
    # cost more to key for SQLAlchemy's compiled cache than the query took.
    feeds = _feeds_query().subquery()
    marks = board_marks.fingerprint_query().subquery()
    online = select(func.count(User.id).label("online")).where(
        User.active.is_(True), User.last_seen_at >= bindparam("online_since")).subquery()
    return (select(BoardState.version, feeds, marks, online)
            .select_from(BoardState).join(feeds, true()).join(marks, true())
            .join(online, true()).where(BoardState.id == 1))


@event.listens_for(Session, "after_transaction_end")
def _forget_feeds_state(session: Session, transaction) -> None:
    session.info.pop(_FEEDS, None)


def board_status(session: Session, now: datetime, failures_to_flag: int,
                 metrics_interval: int) -> BoardStatus:
    """How fresh the board's numbers are and what is failing; made once per change of
    the board or of the feeds' last polls (``board_cache``), not per page view."""
    feeds = feeds_state(session)
    return board_cache.cache.get(
        session, ("status", feeds, failures_to_flag, metrics_interval), now,
        lambda: _board_status(session, now, failures_to_flag, metrics_interval))


def _board_status(session: Session, now: datetime, failures_to_flag: int,
                  metrics_interval: int) -> BoardStatus:
    sites = list(session.scalars(select(Site).where(Site.enabled.is_(True)).order_by(Site.name)))
    counts = dict(session.execute(
        select(Diary.site_id, func.max(Diary.counts_checked_at))
        .where(Diary.published_at >= now - YOUNG).group_by(Diary.site_id)).all())
    polled = dict(session.execute(
        select(Feed.site_id, func.max(Feed.last_success_at)).group_by(Feed.site_id)).all())
    problems = []
    feeds = list(session.scalars(select(Feed).where(Feed.enabled.is_(True))))
    for site in sites:
        own = [f for f in feeds if f.site_id == site.id]
        bad = [f for f in own if feed_health(f, failures_to_flag).state in ("failing",
                                                                          "erroring")]
        if own and len(bad) == len(own):
            problems.append(f"{site.name}: its feeds cannot be read right now "
                            f"({bad[0].last_error or 'error'}), so new diaries are missing.")
        elif bad:
            problems.append(f"{site.name}: {len(bad)} of {len(own)} feeds failing; some new "
                            "diaries may be missing.")
        last = counts.get(site.id)
        if last is not None and now - last > timedelta(seconds=3 * metrics_interval):
            problems.append(f"{site.name}: recommend and comment counts have not been read "
                            f"for {int((now - last).total_seconds() // 60)} min; the numbers "
                            "below may be stale.")
    has_data = session.scalar(select(Diary.id).where(Diary.published_at >= now - YOUNG)
                              .limit(1)) is not None
    return BoardStatus(
        tuple(SiteFreshness(s.slug, s.name, counts.get(s.id), polled.get(s.id)) for s in sites),
        tuple(problems), has_data)


def board_etag(session: Session, user_id: int, site: str | None, need: str | None,
               now: datetime) -> str:
    """Changes whenever the board could look different to this user: the board's version
    (models/board_version.py: diaries, counts, rec lists, the team's log, teammates)
    stands for the young diaries and the actions; then the feeds, who is at the board
    (it decides who is asked to act) and the teammate's own marks."""
    state = snapshot(session, user_id, now)
    version = board_version.current(session)
    bucket = int(now.timestamp() // BUCKET.total_seconds())
    key = repr((user_id, site, need, version, state.feeds, state.online, bucket))
    return hashlib.sha256(key.encode()).hexdigest()[:32] + state.marks
