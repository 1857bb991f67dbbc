"""Feed bytes in, plain data out: feedparser once, then the site adapter, no I/O.

feedparser gets the response headers (so a charset in Content-Type counts). Its own
sanitizer and relative-URI rewriting are off: :mod:`scrapers.sanitize` does both, once,
in the adapter. It is not given the feed URL as a base either: with a base, feedparser
re-joins URLs at every start tag (a quarter of its time on a diary feed), so the adapter
resolves the few URLs we keep (link, path-like guid, summary base) against the feed URL
itself. Performance target: within 1.2x of ``feedparser.parse`` alone, so this does
little more than one nh3 call per entry.

Hostile documents: :mod:`scrapers.document` first refuses entity declarations (no
expansion anywhere) and repairs what would make feedparser lose the whole feed (a
surrogate reference, one bad byte, control characters), so one bad item never costs its
neighbours. Every entry is then cleaned (:mod:`scrapers.clean`) and its date checked
against a sane window; a guid listed twice is one diary.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from html import unescape
from urllib.parse import urljoin

import feedparser

from scrapers.clean import clean_text, has_scheme, one_line, plain_author, web_link
from scrapers.document import Refused, close_items, prepare
from scrapers.types import EntryData, ParsedFeed, SiteAdapter

log = logging.getLogger(__name__)


def _headers(headers: Mapping[str, str], url: str) -> dict[str, str]:
    out = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
    # No base for feedparser (see the module docstring): the adapter resolves against
    # the feed URL. A document's own xml:base still applies.
    out.pop("content-location", None)
    # Bytes are already decompressed by the fetcher; stop feedparser from trying again.
    out.pop("content-encoding", None)
    # With no type at all, XML rules apply (the document's own declaration decides);
    # otherwise feedparser flags every header-less document as bozo.
    out.setdefault("content-type", "application/xml")
    return out


def _document_base(headers: Mapping[str, str], url: str) -> str:
    """The URL relative references resolve against: Content-Location, else the feed URL."""
    for key, value in (headers or {}).items():
        if str(key).lower() == "content-location" and str(value).strip():
            try:
                return urljoin(url, str(value).strip())
            except ValueError:
                break
    return url


def _one_line(value: object) -> str:
    return one_line(str(value))[:300] or type(value).__name__


@dataclass(frozen=True)
class DateWindow:
    """Publication dates outside ``earliest`` .. ``latest`` are not believed: such an
    entry is stored at its first-seen time (``published_at`` None) and the poll notes it."""

    earliest: datetime
    latest: datetime

    @classmethod
    def around(cls, now: datetime, founded: datetime) -> DateWindow:
        return cls(earliest=founded, latest=now + FUTURE_SLACK)


FUTURE_SLACK = timedelta(days=1)
MAX_OFFSET_MINUTES = 14 * 60  # real zones span -12:00 .. +14:00
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})\s*$")


def parse_feed(body: bytes, headers: Mapping[str, str], url: str, adapter,
               dates: DateWindow | None = None) -> ParsedFeed:
    """Parse a fetched feed with ``adapter`` (a SiteAdapter). Never raises.

    Ill-formed XML that still yields entries gives them with ``bozo=True``; a document
    that yields nothing, or declares entities, gives ``ParsedFeed(entries=[], error=...)``.
    GUIDs are unique in the result: a guid listed twice is one diary (the first copy), a
    missing guid falls back to the canonical link, then to a sha256 of link and title.
    Dates outside ``dates`` become None (first seen) with a note.
    """
    adapter: SiteAdapter
    if not body:
        return ParsedFeed(entries=[], error="empty response: no feed document")
    try:
        body, notes = prepare(body, headers)
    except Refused as err:
        return ParsedFeed(entries=[], error=err.message)
    try:
        parsed = _feedparser(body, headers, url)
        repaired = close_items(body) if parsed.get("bozo") else None
        if repaired is not None:
            again = _feedparser(repaired, headers, url)
            if len(again.entries) > len(parsed.entries):
                # An unclosed <description> swallowed the items after it.
                again["bozo"], again["bozo_exception"] = 1, parsed.get("bozo_exception")
                parsed = again
                notes.append("elements left open in items were closed")
    except Exception as exc:  # noqa: BLE001 - feedparser on hostile input; errors are values
        log.warning("feedparser failed", extra={"url": url}, exc_info=True)
        return ParsedFeed(entries=[], error=f"could not parse the feed: {_one_line(exc)}")

    bozo = bool(parsed.get("bozo")) or bool(notes)
    bozo_message = None
    if bozo:
        bozo_message = "; ".join([*notes, *([_one_line(parsed.get("bozo_exception"))]
                                            if parsed.get("bozo") else [])])
    feed_title = one_line(parsed.feed.get("title"))[:300] or None

    base = _document_base(headers, url)
    if not web_link(base):
        base = url
    entries: list[EntryData] = []
    seen: set[str] = set()
    repeated = undated = 0
    for raw in parsed.entries:
        raw = _plain(raw)
        try:
            entry = adapter.entry_to_diary(raw, base)
        except Exception:  # noqa: BLE001 - one odd entry must not lose the others
            log.warning("entry skipped", extra={"url": url}, exc_info=True)
            entry = None
        if entry is None:
            continue
        entry = _tidy(entry, raw)
        if entry.guid in seen:
            repeated += 1  # one diary, however often a feed lists its guid
            continue
        if entry.published_at is not None and not _believable(entry.published_at, raw, dates):
            entry = replace(entry, published_at=None)
            undated += 1
        seen.add(entry.guid)
        entries.append(entry)
    if repeated:
        notes.append(f"{repeated} repeated guid(s) ignored")
    if undated:
        notes.append(f"{undated} date(s) out of range (before the site's founding, in the "
                     f"future or with an impossible offset): first-seen time used")

    common = dict(title=feed_title, bozo=bozo, bozo_message=bozo_message, notes=tuple(notes))
    if entries:
        return ParsedFeed(entries=entries, **common)
    if not bozo and parsed.get("version"):
        # A well-formed feed that is simply empty (or whose entries were all skipped).
        return ParsedFeed(entries=[], **common)
    reason = bozo_message or "no feed found in the document"
    return ParsedFeed(entries=[], error=f"not a usable feed: {reason}", **common)


def _feedparser(body: bytes, headers: Mapping[str, str], url: str):
    return feedparser.parse(body, response_headers=_headers(headers, url),
                            sanitize_html=False, resolve_relative_uris=False)


def _plain(entry: Mapping) -> dict:
    """The entry as a plain dict. feedparser's FeedParserDict resolves aliases on every
    lookup (an exception per missing key), a tenth of our time per entry; the keys the
    adapters read are stored under their own names, so a dict answers them the same. The
    one alias read ("guid" for "id") is kept; "updated_parsed" falling back to
    "published_parsed" is not needed, as published is always read first."""
    plain = dict(entry)
    if "id" in plain:
        plain.setdefault("guid", plain["id"])
    return plain


def _tidy(entry: EntryData, raw: Mapping) -> EntryData:
    """Clean text in every field; a link that is not http(s) is not stored as a link."""
    url = entry.url
    raw_link = str(raw.get("link") or "")
    if raw_link and not raw_link.startswith(("http://", "https://")):
        # "jav&#x61;script:" and "java&#x09;script:" are javascript: links to a browser,
        # even though urljoin took them for relative paths under the feed URL.
        decoded = unescape(unescape(raw_link))
        if has_scheme(decoded) and not web_link(decoded):
            url = ""
    url = web_link(url)
    return replace(
        entry, url=url, guid=clean_text(entry.guid) or url,
        title=one_line(entry.title) or "(untitled)", author=plain_author(entry.author),
        tags=tuple(t for t in (one_line(tag) for tag in entry.tags) if t),
        summary_html=clean_text(entry.summary_html))


def _believable(when: datetime, raw: Mapping, dates: DateWindow | None) -> bool:
    for key in ("published", "updated", "created"):
        text = raw.get(key)
        if text:
            match = _OFFSET.search(str(text))
            if match and int(match.group(2)) * 60 + int(match.group(3)) > MAX_OFFSET_MINUTES:
                return False
            break
    return dates is None or dates.earliest <= when <= dates.latest
