"""Poll feeds: the use case the scheduler's workers, the CLI's ``poll`` and the Sources
page's "poll now" button all call (``poll_feed``; ``poll_many`` for a batch).

Its chain, each step handing the next a small value: read the feed row (short
transaction) → fetch (no transaction open) → decide (:mod:`scrapers.decide`: classify,
parse, tag) → resolve redirect links → store + update the feed row + write the poll log
(one transaction). A failure of any step becomes an error outcome recorded on the feed;
nothing raises out of it except "no such feed" and an unreachable database.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from models import Feed, PollLog, Site
from models.db import unit_of_work
from scrapers import decide, redirects, schedule, store
from scrapers.decide import Decision, FeedState
from scrapers.hosts import site_hosts
from scrapers.parse_pool import ParsePool, shared_pool
from scrapers.schedule import SchedulePolicy
from scrapers.types import FetchResult

log = logging.getLogger(__name__)

# A server may answer 304 to an ETag that never changes even though the feed did (sim's
# "etag_stuck"). After this long without a full 200 the next poll is unconditional, and a
# body that changed under an unchanged ETag marks that ETag as not to be trusted.
FULL_REFETCH_AFTER = timedelta(hours=6)
UNTRUSTED_ETAG = decide.UNTRUSTED_ETAG
SUCCESS_OUTCOMES = ("ok", "not_modified", "unchanged")
REDIRECTS_PER_POLL = 50


class FeedNotFound(LookupError):
    """No feed with this id (the CLI and the web turn it into a one-line error)."""

    def __init__(self, feed_id: int):
        super().__init__(f"no feed with id {feed_id}")
        self.message = f"no feed with id {feed_id}"


@dataclass(frozen=True)
class PollOutcome:
    """What one poll did. ``outcome``: ok | not_modified | unchanged | error | disabled |
    skipped (the feed or its site is disabled)."""

    feed_id: int
    url: str
    outcome: str
    http_status: int | None = None
    new_count: int = 0
    updated_count: int = 0
    error: str | None = None
    warning: str | None = None
    bozo: bool = False
    next_poll_at: datetime | None = None
    new_ids: tuple[int, ...] = ()

    def summary(self) -> str:
        parts = [self.outcome]
        if self.http_status is not None:
            parts.append(f"HTTP {self.http_status}")
        if self.outcome == "ok":
            parts.append(f"{self.new_count} new, {self.updated_count} updated")
        if self.error:
            parts.append(self.error)
        if self.warning:
            parts.append(f"warning: {self.warning}")
        return ", ".join(parts)


def _read_states(session: Session, feed_ids: Sequence[int],
                 now: datetime) -> dict[int, FeedState]:
    """The states of many feeds in three queries (rules once, not per feed)."""
    rules = tuple(store.load_rules(session))
    states: dict[int, FeedState] = {}
    ids = list(dict.fromkeys(feed_ids))
    for start in range(0, len(ids), store.CHUNK):
        chunk = ids[start:start + store.CHUNK]
        last_full = dict(session.execute(
            select(PollLog.feed_id, func.max(PollLog.started_at))
            .where(PollLog.feed_id.in_(chunk), PollLog.outcome.in_(("ok", "unchanged")))
            .group_by(PollLog.feed_id)).all())
        rows = session.execute(
            select(Feed.id, Feed.url, Feed.enabled, Feed.etag, Feed.last_modified,
                   Feed.body_hash, Feed.interval_seconds, Feed.error_count, Feed.title,
                   Site.id.label("site_id"), Site.enabled.label("site_enabled"),
                   Site.platform, Site.crosspost_window_hours, Site.founded_on,
                   Site.base_url, Site.extra_hosts)
            .join(Site, Feed.site_id == Site.id).where(Feed.id.in_(chunk)))
        for r in rows:
            full = last_full.get(r.id)
            states[r.id] = FeedState(
                id=r.id, url=r.url, enabled=r.enabled, site_id=r.site_id,
                site_enabled=r.site_enabled, platform=r.platform,
                crosspost_window_hours=r.crosspost_window_hours, etag=r.etag,
                last_modified=r.last_modified, body_hash=r.body_hash,
                interval_seconds=r.interval_seconds, error_count=r.error_count,
                title=r.title, rules=rules,
                conditional=full is None or now - full < FULL_REFETCH_AFTER,
                founded=datetime.combine(r.founded_on, time.min, UTC),
                hosts=site_hosts(r.base_url, r.extra_hosts))
    return states


def _validators(state: FeedState) -> tuple[str | None, str | None]:
    if not state.conditional or state.body_hash is None:
        return None, None
    etag = None if (state.etag or "").startswith(UNTRUSTED_ETAG) else state.etag
    return etag, state.last_modified


def poll_feed(sessions: sessionmaker[Session], feed_id: int, now: datetime, fetcher, *,
              policy: SchedulePolicy | None = None,
              parser: ParsePool | None = None) -> PollOutcome:
    """Poll one feed now (whatever its next_poll_at) and record the outcome on its row.

    Raises FeedNotFound for an unknown id; every other failure (network, HTTP, parse,
    storage) is an outcome with ``error`` set, recorded in the feed row and the poll log.
    ``parser``: anything with ParsePool's ``parse_and_tag`` (default: parse in this
    process), e.g. a test's parser that counts what it is given.
    """
    with sessions() as session:
        state = _read_states(session, [feed_id], now).get(feed_id)
    if state is None:
        raise FeedNotFound(feed_id)
    return _poll(sessions, state, now, fetcher, policy or SchedulePolicy(), parser)


def _poll(sessions, state: FeedState, now: datetime, fetcher, policy: SchedulePolicy,
          parser: ParsePool | None = None) -> PollOutcome:
    if not (state.enabled and state.site_enabled):
        return PollOutcome(state.id, state.url, "skipped",
                           error="feed disabled" if not state.enabled else "site disabled")
    state = replace(state, polled_at=now)
    etag, last_modified = _validators(state)
    result: FetchResult = fetcher.fetch(state.url, etag=etag, last_modified=last_modified)
    decision = decide.classify(state, result)
    if decision.kind == "parse":
        parse_and_tag = parser.parse_and_tag if parser is not None else decide.parse_and_tag
        decision = parse_and_tag(state, result, decision.body_hash)
    if decision.kind == "ok":
        decision = _resolve_redirects(sessions, state, decision, fetcher)
    try:
        return _record(sessions, state, decision, now, policy)
    except FeedNotFound:
        raise
    except Exception as exc:  # noqa: BLE001 - one broken feed must not stop the others
        log.exception("storing the poll of feed %s failed", state.id,
                      extra={"feed_id": state.id})
        failed = Decision("error", result,
                          message=f"could not store: {type(exc).__name__}: {exc}")
        return _record(sessions, state, failed, now, policy)


def _resolve_redirects(sessions, state: FeedState, decision: Decision, fetcher) -> Decision:
    """Follow each new redirect link of the feed once (on the site's hosts only) and put
    the diaries it leads to in place of the links (see :mod:`scrapers.redirects`)."""
    links = redirects.unresolved(decision.tagged)
    if not links:
        return decision
    try:
        with sessions() as session:
            targets = store.load_resolutions(session, state.site_id, links)
    except Exception:  # noqa: BLE001 - the entries are stored under their links instead
        log.exception("redirect links of feed %s not looked up", state.id,
                      extra={"feed_id": state.id})
        return decision
    fresh: dict[str, str] = {}
    # A feed full of redirect links must not turn one poll into hundreds of fetches: the
    # rest are resolved when the feed next changes (meanwhile stored under their links).
    for link in [link for link in links if link not in targets][:REDIRECTS_PER_POLL]:
        result = fetcher.fetch(link, hosts=state.hosts)
        # The page it lands on may fail; where it landed still names the diary.
        if result.status is not None and result.url != link:
            fresh[link] = result.url
        else:
            log.info("redirect link of feed %s not resolved: %s", state.id,
                     result.error or f"HTTP {result.status}", extra={"feed_id": state.id})
    from scrapers.adapters import get_adapter

    tagged = redirects.resolve(decision.tagged, {**targets, **fresh},
                               get_adapter(state.platform))
    return replace(decision, tagged=tagged, resolutions=tuple(fresh.items()))


# SQLite has one writer at a time. Threads of one process queue here (a fast hand-off)
# instead of in SQLite's busy handler, which sleeps in growing steps.
_SQLITE_WRITE_LOCKS: dict[int, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _write_lock(sessions: sessionmaker[Session]):
    bind = sessions.kw.get("bind")
    if bind is None or bind.dialect.name != "sqlite":
        return nullcontext()
    engine = getattr(bind, "engine", bind)
    with _LOCKS_GUARD:
        return _SQLITE_WRITE_LOCKS.setdefault(id(engine), threading.Lock())


def _record(sessions, state: FeedState, decision: Decision, now: datetime,
            policy: SchedulePolicy) -> PollOutcome:
    """One transaction: the diaries, the feed row and the poll log, together or not at all.
    What to write is decided by :mod:`scrapers.decide`; this only applies it."""
    result = decision.result
    with _write_lock(sessions), unit_of_work(sessions) as session:
        # Write first: on SQLite this takes the write lock before any read, so the
        # transaction can never fail to upgrade from reader to writer mid-way.
        touched = session.execute(update(Feed).where(Feed.id == state.id)
                                  .values(last_polled_at=now, last_status=result.status)
                                  .execution_options(synchronize_session=False))
        if touched.rowcount == 0:
            raise FeedNotFound(state.id)
        stored = store.StoreResult()
        if decision.kind not in ("gone", "error"):
            store.remember_resolutions(session, state.site_id, decision.resolutions, now)
            if decision.tagged:
                stored = store.store_entries(
                    session, state.site_id, decision.tagged, now,
                    crosspost_window_hours=state.crosspost_window_hours)
        new_url = decide.moved_url(state, result)
        taken = session.scalar(select(Feed.id).where(Feed.url == new_url, Feed.id != state.id)) \
            if new_url else None
        plan = decide.plan_update(state, decision, now, policy, new_count=stored.new_count,
                                  updated_count=stored.updated_count, url_taken_by=taken)
        session.execute(update(Feed).where(Feed.id == state.id).values(**plan.feed_values)
                        .execution_options(synchronize_session=False))
        session.execute(insert(PollLog).values(**plan.log_row))
    _log_outcome(state, plan.outcome, stored, decision, policy)
    return PollOutcome(state.id, plan.feed_values.get("url", state.url), plan.outcome,
                       result.status, stored.new_count, stored.updated_count,
                       error=decision.message, warning=plan.warning,
                       bozo=plan.log_row["bozo"], next_poll_at=plan.next_poll_at,
                       new_ids=stored.new_ids)


def _log_outcome(state: FeedState, outcome: str, stored: store.StoreResult,
                 decision: Decision, policy: SchedulePolicy) -> None:
    extra = {"feed_id": state.id}
    if outcome == "error":
        errors = state.error_count + 1
        failing = schedule.is_failing(errors, policy.failures_to_flag)
        level = logging.WARNING if failing else logging.INFO
        log.log(level, "poll of feed %s failed (%d in a row): %s", state.id, errors,
                decision.message, extra=extra)
    elif outcome == "disabled":
        log.warning("feed %s disabled: %s", state.id, decision.message, extra=extra)
    else:
        log.info("polled feed %s: %s, %d new, %d updated", state.id, outcome,
                 stored.new_count, stored.updated_count, extra=extra)


# Many feeds -----------------------------------------------------------------------------

def due_feeds(session: Session, now: datetime, limit: int | None = None) -> list[int]:
    """Ids of enabled feeds on enabled sites whose next poll time has come, oldest first."""
    query = (select(Feed.id).join(Site, Feed.site_id == Site.id)
             .where(Feed.enabled.is_(True), Site.enabled.is_(True), Feed.next_poll_at <= now)
             .order_by(Feed.next_poll_at, Feed.id))
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def poll_many(sessions: sessionmaker[Session], feed_ids: Iterable[int],
              now: datetime | Callable[[], datetime], fetcher, *,
              policy: SchedulePolicy | None = None, workers: int = 1,
              parse_processes: int = 0,
              on_done: Callable[[PollOutcome], None] | None = None) -> list[PollOutcome]:
    """Poll each feed as ``poll_feed`` does, on up to ``workers`` threads (one fetcher).

    The feed rows are read in one short transaction up front; each feed then gets its own
    fetch and its own storing transaction. ``now`` may be a clock, read as each poll
    starts. A feed that fails in any way (even "not found") becomes an error outcome: one
    bad feed never stops the others. Use ``workers=1`` with a session factory bound to a
    single connection (tests). With ``parse_processes`` > 0 new feed bodies are parsed
    and tagged in that many parser processes (:mod:`scrapers.parse_pool`), so a big poll
    uses every core.
    """
    clock = now if callable(now) else (lambda: now)
    policy = policy or SchedulePolicy()
    ids = list(feed_ids)
    parser = shared_pool(parse_processes) if len(ids) > 1 else None
    with sessions() as session:
        states = _read_states(session, ids, clock())

    def one(feed_id: int) -> PollOutcome:
        try:
            state = states.get(feed_id)
            if state is None:
                raise FeedNotFound(feed_id)
            outcome = _poll(sessions, state, clock(), fetcher, policy, parser)
        except FeedNotFound as err:
            outcome = PollOutcome(feed_id, "", "error", error=err.message)
        except Exception as exc:  # noqa: BLE001
            log.exception("poll of feed %s failed", feed_id, extra={"feed_id": feed_id})
            outcome = PollOutcome(feed_id, states[feed_id].url if feed_id in states else "",
                                  "error", error=f"{type(exc).__name__}: {exc}")
        if on_done is not None:
            on_done(outcome)
        return outcome

    if workers <= 1 or len(ids) <= 1:
        return [one(i) for i in ids]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="poll") as pool:
        return list(pool.map(one, ids))
