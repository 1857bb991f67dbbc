"""What a fetch amounted to: classify the response, then parse and tag a changed body.

Pure (no database, no network) and made of picklable values, so the parse-and-tag step
can run in a parser process (:mod:`scrapers.parse_pool`) as well as on a poll thread.
The poll use case (:mod:`scrapers.pipeline`) reads a :class:`FeedState` before the
fetch and stores whatever :class:`Decision` comes back.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from scrapers.topics import Rule, TaggedEntry, compile_rules, tag_entries
from scrapers.types import FetchResult, ParsedFeed

log = logging.getLogger(__name__)

SITE_FOUNDED_DEFAULT = datetime(1999, 1, 1, tzinfo=UTC)


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
