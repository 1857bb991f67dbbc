"""What a poll decides: classify the response, parse and tag a changed body, then plan
what to write.

Pure (no database, no network) and made of picklable values, so the parse-and-tag step
can run in a parser process (:mod:`scrapers.parse_pool`) as well as on a poll thread.
The poll use case (:mod:`scrapers.poll`) reads a :class:`FeedState` before the fetch;
the :class:`Decision` carries the diaries to upsert (and redirect links resolved), and
:func:`plan_update` says what the feed row and the poll log become: storage only applies
them, as lemon24/reader's update intents do.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from scrapers import schedule
from scrapers.schedule import SchedulePolicy
from scrapers.topics import Rule, TaggedEntry, compile_rules, tag_entries
from scrapers.types import FetchResult, ParsedFeed

log = logging.getLogger(__name__)

SITE_FOUNDED_DEFAULT = datetime(1999, 1, 1, tzinfo=UTC)
# A server may answer 304 to an ETag that never changes even though the feed did (sim's
# "etag_stuck"): a body that changed under an unchanged ETag marks that ETag as not to
# be trusted (stored with this prefix, never sent back).
UNTRUSTED_ETAG = "untrusted:"


@dataclass(frozen=True)
class FeedState:
    """What a poll needs from the feed row, read in a short transaction before the fetch."""

    id: int
    url: str
    enabled: bool
    site_id: int
    site_enabled: bool
    platform: str
    crosspost_window_hours: float
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    interval_seconds: int
    error_count: int
    title: str | None
    rules: tuple[Rule, ...] = field(default=())
    conditional: bool = True
    # Entry dates before the site's founding, or more than a day after the poll, are not
    # believed (see scrapers.parse.DateWindow).
    founded: datetime = SITE_FOUNDED_DEFAULT
    polled_at: datetime | None = None
    # The hosts the site's pages (and its redirect links) may be fetched from.
    hosts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Decision:
    """What the fetch (and parse) amounted to.

    ``kind``: gone | not_modified | unchanged | error | ok, or ``parse`` from
    :func:`classify` when the body is new and still has to go through
    :func:`parse_and_tag`."""

    kind: str
    result: FetchResult | None
    body_hash: str | None = None
    message: str | None = None
    parsed: ParsedFeed | None = None
    tagged: tuple[TaggedEntry, ...] = ()
    # Redirect links resolved by this poll (link, target URL), to remember.
    resolutions: tuple[tuple[str, str], ...] = ()


def classify(state: FeedState, result: FetchResult) -> Decision:
    """Everything that needs no parse: 410, 304, errors, a body we already stored."""
    if result.status == 410:
        return Decision("gone", result, message="the server answered 410 Gone: the feed "
                                                "was removed")
    if result.not_modified:
        return Decision("not_modified", result)
    if not result.ok:
        return Decision("error", result, message=result.error or f"HTTP {result.status}")
    body_hash = hashlib.sha256(result.body or b"").hexdigest()
    if body_hash == state.body_hash:
        return Decision("unchanged", result, body_hash=body_hash)
    return Decision("parse", result, body_hash=body_hash)


def parse_and_tag(state: FeedState, result: FetchResult, body_hash: str | None) -> Decision:
    """Parse a new body with the site's adapter and score its entries. Never raises."""
    parsed = _parse(result, state)
    if parsed.error or (not parsed.entries and parsed.bozo):
        message = parsed.error or f"not a usable feed: {parsed.bozo_message or 'no entries'}"
        return Decision("error", result, message=message, parsed=parsed)
    tagged = tuple(tag_entries(parsed.entries, compile_rules(state.rules)))
    return Decision("ok", result, body_hash=body_hash, parsed=parsed, tagged=tagged)


def _parse(result: FetchResult, state: FeedState) -> ParsedFeed:
    from scrapers.adapters import get_adapter
    from scrapers.parse import DateWindow, parse_feed

    dates = DateWindow.around(state.polled_at, state.founded) if state.polled_at else None
    try:
        return parse_feed(result.body or b"", result.headers, result.url,
                          get_adapter(state.platform), dates)
    except Exception as exc:  # noqa: BLE001 - a parser bug is this feed's error, not the run's
        log.exception("parse of feed %s failed", state.id, extra={"feed_id": state.id})
        return ParsedFeed(entries=[], error=f"could not parse: {type(exc).__name__}: {exc}")


@dataclass(frozen=True)
class FeedUpdate:
    """What a poll writes besides the diaries: the feed row's new values, the poll-log row
    and what the caller reports. ``outcome``: ok | not_modified | unchanged | error |
    disabled."""

    outcome: str
    feed_values: Mapping[str, object]
    log_row: Mapping[str, object]
    warning: str | None
    next_poll_at: datetime | None


def moved_url(state: FeedState, result: FetchResult) -> str | None:
    """The new URL of a feed that moved permanently (every redirect hop 301/308)."""
    new_url = result.permanent_url
    if not new_url or new_url == state.url or len(new_url) > 1000:
        return None
    return new_url


def plan_update(state: FeedState, decision: Decision, now: datetime, policy: SchedulePolicy,
                *, new_count: int = 0, updated_count: int = 0,
                url_taken_by: int | None = None) -> FeedUpdate:
    """The feed row and poll log after ``decision``: error counting and backoff, ETag
    trust, the permanent redirect, the next poll.

    ``new_count``/``updated_count`` are what storing the decision's diaries did (a poll
    with new diaries polls sooner); ``url_taken_by`` is the feed that already polls the
    URL this one moved to, if any (then this feed keeps its URL)."""
    result = decision.result
    values: dict = {}
    warnings: list[str] = []
    new_url = moved_url(state, result)
    if new_url and url_taken_by is not None:
        warnings.append(f"moved permanently to {new_url}, which feed {url_taken_by} "
                        "already polls")
    elif new_url:
        warnings.append(f"moved permanently from {state.url}; feed URL updated")
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
        parsed = decision.parsed
        if parsed is not None and parsed.bozo:
            warnings.append(f"feed is not well-formed: {parsed.bozo_message or 'bozo'}")
        if parsed is not None:
            warnings += [n for n in parsed.notes if n not in (parsed.bozo_message or "")]
        if parsed is not None and parsed.title and not state.title:
            values["title"] = parsed.title[:300]
        nxt = schedule.after_success(policy, state.interval_seconds, new_count, now)
        if kind != "not_modified":
            values["etag"] = _etag_to_keep(state, result, decision.body_hash, warnings)
            values["last_modified"] = (result.last_modified or "")[:100] or None
        if decision.body_hash is not None:
            values["body_hash"] = decision.body_hash
        values.update(last_success_at=now, error_count=0, last_error=None,
                      interval_seconds=nxt.interval_seconds, next_poll_at=nxt.next_poll_at)
    outcome = {"gone": "disabled"}.get(kind, kind)
    warning = "; ".join(warnings) or None
    log_row = dict(feed_id=state.id, started_at=now,
                   finished_at=now + timedelta(seconds=result.elapsed),
                   http_status=result.status, outcome=outcome, new_count=new_count,
                   updated_count=updated_count,
                   bozo=bool(decision.parsed is not None and decision.parsed.bozo),
                   warning=warning, error=decision.message)
    return FeedUpdate(outcome, values, log_row, warning, nxt.next_poll_at if nxt else None)


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
