"""The intake use cases: poll a feed, refresh diaries' counts, re-tag stored diaries.

``poll_feed`` is the ONE function the scheduler's workers, the CLI's ``poll`` and the
Sources page's "poll now" button all call. Its chain, each step handing the next a small
value: read the feed row (short transaction) → fetch (no transaction open) → decide →
parse → tag → store + update the feed row + write the poll log (one transaction). A
failure of any step becomes an error outcome recorded on the feed; nothing raises out of
it except "no such feed" and an unreachable database.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from functools import partial

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from models import Diary, Feed, PollLog, Site
from scrapers import decide, pageguard, redirects, schedule, store
from scrapers.decide import Decision, FeedState
from scrapers.hosts import on_hosts, site_hosts
from scrapers.pages import read_page
from scrapers.parse_pool import ParsePool, shared_pool
from scrapers.schedule import SchedulePolicy
from scrapers.topics import compile_rules
from scrapers.types import DiaryCounts, FetchResult

log = logging.getLogger(__name__)

# A server may answer 304 to an ETag that never changes even though the feed did (sim's
# "etag_stuck"). After this long without a full 200 the next poll is unconditional, and a
# body that changed under an unchanged ETag marks that ETag as not to be trusted.
FULL_REFETCH_AFTER = timedelta(hours=6)
UNTRUSTED_ETAG = "untrusted:"
SUCCESS_OUTCOMES = ("ok", "not_modified", "unchanged")


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

    @property
    def status(self) -> int | None:
        return self.http_status

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
              policy: SchedulePolicy | None = None) -> PollOutcome:
    """Poll one feed now (whatever its next_poll_at) and record the outcome on its row.

    Raises FeedNotFound for an unknown id; every other failure (network, HTTP, parse,
    storage) is an outcome with ``error`` set, recorded in the feed row and the poll log.
    """
    with sessions() as session:
        state = _read_states(session, [feed_id], now).get(feed_id)
    if state is None:
        raise FeedNotFound(feed_id)
    return _poll(sessions, state, now, fetcher, policy or SchedulePolicy())


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
    with sessions() as session:
        targets = store.load_resolutions(session, state.site_id, links)
    fresh: dict[str, str] = {}
    for link in links:
        if link in targets:
            continue
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
    """One transaction: the diaries, the feed row and the poll log, together or not at all."""
    result = decision.result
    with _write_lock(sessions), sessions() as session:
        # Write first: on SQLite this takes the write lock before any read, so the
        # transaction can never fail to upgrade from reader to writer mid-way.
        touched = session.execute(update(Feed).where(Feed.id == state.id)
                                  .values(last_polled_at=now, last_status=result.status)
                                  .execution_options(synchronize_session=False))
        if touched.rowcount == 0:
            raise FeedNotFound(state.id)
        values: dict = {}
        warnings: list[str] = []
        stored = store.StoreResult()
        moved = _moved(session, state, result)
        if moved is not None:
            warning, new_url = moved
            warnings.append(warning)
            if new_url:
                values["url"] = new_url
        kind = decision.kind
        if kind == "gone":
            values.update(enabled=False, disabled_reason=decision.message,
                          last_error=decision.message)
            nxt = None
        elif kind == "error":
            errors = state.error_count + 1
            nxt = schedule.after_error(policy, state.interval_seconds, errors, now,
                                       result.retry_after)
            values.update(error_count=errors, last_error=decision.message,
                          next_poll_at=nxt.next_poll_at)
        else:
            store.remember_resolutions(session, state.site_id, decision.resolutions, now)
            if decision.tagged:
                stored = store.store_entries(
                    session, state.site_id, decision.tagged, now,
                    crosspost_window_hours=state.crosspost_window_hours)
            parsed = decision.parsed
            if parsed is not None and parsed.bozo:
                warnings.append(f"feed is not well-formed: {parsed.bozo_message or 'bozo'}")
            if parsed is not None:
                warnings += [n for n in parsed.notes if n not in (parsed.bozo_message or "")]
            if parsed is not None and parsed.title and not state.title:
                values["title"] = parsed.title[:300]
            nxt = schedule.after_success(policy, state.interval_seconds, stored.new_count, now)
            if kind != "not_modified":
                values["etag"] = _etag_to_keep(state, result, decision.body_hash, warnings)
                values["last_modified"] = (result.last_modified or "")[:100] or None
            if decision.body_hash is not None:
                values["body_hash"] = decision.body_hash
            values.update(last_success_at=now, error_count=0, last_error=None,
                          interval_seconds=nxt.interval_seconds, next_poll_at=nxt.next_poll_at)
        session.execute(update(Feed).where(Feed.id == state.id).values(**values)
                        .execution_options(synchronize_session=False))
        outcome = {"gone": "disabled"}.get(kind, kind)
        bozo = bool(decision.parsed is not None and decision.parsed.bozo)
        warning = "; ".join(warnings) or None
        session.execute(insert(PollLog).values(
            feed_id=state.id, started_at=now,
            finished_at=now + timedelta(seconds=result.elapsed), http_status=result.status,
            outcome=outcome, new_count=stored.new_count, updated_count=stored.updated_count,
            bozo=bozo, warning=warning, error=decision.message))
        session.commit()
    _log_outcome(state, outcome, stored, decision, policy)
    return PollOutcome(state.id, values.get("url", state.url), outcome, result.status,
                       stored.new_count, stored.updated_count, error=decision.message,
                       warning=warning, bozo=bozo,
                       next_poll_at=nxt.next_poll_at if nxt else None,
                       new_ids=stored.new_ids)


def _log_outcome(state: FeedState, outcome: str, stored: store.StoreResult,
                 decision: Decision, policy: SchedulePolicy) -> None:
    extra = {"feed_id": state.id}
    if outcome == "error":
        errors = state.error_count + 1
        level = logging.WARNING if schedule.is_failing(errors, policy) else logging.INFO
        log.log(level, "poll of feed %s failed (%d in a row): %s", state.id, errors,
                decision.message, extra=extra)
    elif outcome == "disabled":
        log.warning("feed %s disabled: %s", state.id, decision.message, extra=extra)
    else:
        log.info("polled feed %s: %s, %d new, %d updated", state.id, outcome,
                 stored.new_count, stored.updated_count, extra=extra)


def _moved(session: Session, state: FeedState,
           result: FetchResult) -> tuple[str, str | None] | None:
    """A permanent redirect: (warning, new URL to store, or None when another feed has it)."""
    new_url = result.permanent_url
    if not new_url or new_url == state.url or len(new_url) > 1000:
        return None
    other = session.scalar(select(Feed.id).where(Feed.url == new_url, Feed.id != state.id))
    if other is not None:
        return f"moved permanently to {new_url}, which feed {other} already polls", None
    return f"moved permanently from {state.url}; feed URL updated", new_url


def _etag_to_keep(state: FeedState, result: FetchResult, body_hash: str | None,
                  warnings: list[str]) -> str | None:
    if not result.etag:
        return None
    stored = state.etag or ""
    if stored.startswith(UNTRUSTED_ETAG) and stored[len(UNTRUSTED_ETAG):] == result.etag:
        return stored
    if stored == result.etag and body_hash is not None and state.body_hash is not None \
            and body_hash != state.body_hash:
        warnings.append("the server's ETag did not change with the content; not using it")
        return (UNTRUSTED_ETAG + result.etag)[:300]
    return result.etag[:300]


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


# Counts and rec lists ---------------------------------------------------------------------

def due_diaries(session: Session, now: datetime, interval: timedelta,
                limit: int | None = 500, site_ids: Sequence[int] | None = None) -> list[int]:
    """Diaries still inside their site's rec-list window and due for an observation (of
    ``site_ids`` only, when given)."""
    ids: list[int] = []
    sites = select(Site.id, Site.rec_window_hours).where(Site.enabled.is_(True))
    if site_ids is not None:
        sites = sites.where(Site.id.in_(list(site_ids)))
    for site_id, window in session.execute(sites):
        query = (select(Diary.id).where(
            Diary.site_id == site_id, Diary.published_at >= now - timedelta(hours=window),
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
    with sessions() as session:
        for diary_id, site_id, counts in observed:
            if counts is not None:
                store.record_counts(session, diary_id, counts, now)
                store.record_page_read(session, site_id, diary_id, counts, now)
                done += 1
        store.prune_page_reads(session, now)
        session.commit()
    return done


def refresh_rec_lists(sessions: sessionmaker[Session], now: datetime, fetcher,
                      site_ids: Sequence[int] | None = None) -> int:
    """Read each site's Recommended list (where its platform has one) and flag the diaries
    on it. Returns how many sites' lists were read."""
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
        with sessions() as session:
            store.set_rec_list(session, site.id, [item.url for item in items],
                               [adapter.story_id(item.url) for item in items])
            session.get(Site, site.id).rec_list_checked_at = now
            session.commit()
        read += 1
    return read


# Re-tagging ----------------------------------------------------------------------------------

def retag_all(session: Session) -> int:
    """Re-score every stored diary with the enabled TopicRule rows (flushes, no commit).

    Returns how many diaries changed score or matched phrases."""
    return store.retag(session, compile_rules(store.load_rules(session)))


def feed_is_failing(feed: Feed, config) -> bool:
    """Whether the Sources page and `sources list` should flag ``feed`` for an admin."""
    return schedule.is_failing(feed.error_count, SchedulePolicy.from_config(config))

