"""The small typed values handed from one intake step to the next."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class FetchSettings:
    """What the fetcher needs from Config, so scrapers never import the app."""

    user_agent: str = "diaryboost/0.1.0"
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    deadline: float = 30.0  # overall wall-clock cap per request, slow drips included
    max_bytes: int = 5 * 1024 * 1024  # cap on the *decompressed* body
    max_redirects: int = 5
    host_max_concurrency: int = 2
    host_min_gap: float = 1.0
    private_allowlist: frozenset[tuple[str, int]] = frozenset()

    @classmethod
    def from_config(cls, config) -> FetchSettings:
        return cls(
            user_agent=config.USER_AGENT,
            connect_timeout=config.FETCH_CONNECT_TIMEOUT,
            read_timeout=config.FETCH_READ_TIMEOUT,
            deadline=config.FETCH_DEADLINE,
            max_bytes=config.FETCH_MAX_BYTES,
            max_redirects=config.FETCH_MAX_REDIRECTS,
            host_max_concurrency=config.HOST_MAX_CONCURRENCY,
            host_min_gap=config.HOST_MIN_GAP,
            private_allowlist=config.PRIVATE_ADDRESS_ALLOWLIST,
        )


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one GET. Never raised: errors are values (``error`` set)."""

    requested_url: str
    url: str  # final URL after redirects
    status: int | None  # None when no HTTP response was received
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    # Set when every hop to the final URL was permanent (301/308): store it as the new URL.
    permanent_url: str | None = None
    retry_after: float | None = None  # seconds, from 429/503 Retry-After
    error: str | None = None  # one-line, human-readable ("timed out after 30 s", ...)
    elapsed: float = 0.0

    @property
    def not_modified(self) -> bool:
        # An unsolicited 304 carries an error and is not "unchanged".
        return self.status == 304 and self.error is None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class EntryData:
    """A feed entry turned into diary fields (summary already sanitized)."""

    guid: str
    url: str
    title: str
    author: str | None
    published_at: datetime | None  # aware UTC
    tags: tuple[str, ...] = ()
    summary_html: str = ""
    content_hash: str = ""
    # Guids that diaryboost 0.1 stored this entry under (it let feedparser resolve a bare
    # guid such as "123" against the feed URL): matched too, so an upgrade adds no copy.
    former_guids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedFeed:
    entries: list[EntryData]
    title: str | None = None
    bozo: bool = False
    bozo_message: str | None = None
    # Set when the document yielded nothing usable: a clear error for the poll log.
    error: str | None = None
    # What the parse repaired or ignored (bad bytes, repeated guids, dates out of range).
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DiaryCounts:
    """What a diary page says about the diary. None everywhere means "not found": unknown,
    never zero (a count that is negative or absurd for the site is None too).

    ``author``, ``published_at`` and ``tags`` matter where the feed lacks them (today's
    Daily Kos feeds carry no author); ``story_id`` is the site's own id for the story.
    """

    recommends: int | None
    comments: int | None
    author: str | None = None
    published_at: datetime | None = None
    tags: tuple[str, ...] = ()
    story_id: str | None = None


@dataclass(frozen=True)
class RecListItem:
    url: str
    title: str | None = None
    recommends: int | None = None


class SiteAdapter(Protocol):
    """One blog platform. Adding a blog = one adapter module + a row in the sites table."""

    platform: str
    expected_fields: tuple[str, ...]  # fields its diary pages are known to show

    def default_feeds(self, base_url: str) -> list[tuple[str, str]]:
        """(feed URL, kind) pairs a new site of this platform starts with."""

    def rec_list_url(self, base_url: str) -> str | None:
        """Page listing the site's Recommended diaries, or None if the platform has none."""

    def entry_to_diary(self, entry: Mapping[str, Any], feed_url: str) -> EntryData | None:
        """Turn one feedparser entry into diary fields; None to skip it (not a diary)."""

    def parse_counts(self, html: bytes, url: str) -> DiaryCounts:
        """Recommend and comment counts from a diary page."""

    def parse_rec_list(self, html: bytes, base_url: str) -> list[RecListItem]:
        """The diaries on the Recommended list, best first."""
