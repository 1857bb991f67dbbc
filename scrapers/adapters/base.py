"""What every platform adapter shares: feed entry → EntryData, URL canonicalisation,
and small helpers for reading numbers out of page text (parsed with lexbor, never regex
over HTML)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser

from scrapers.clean import web_link
from scrapers.numbers import parse_count
from scrapers.sanitize import sanitize_html
from scrapers.types import DiaryCounts, EntryData, RecListItem

# Query parameters that only say where a click came from; they make one diary look like
# many.
# (Only names nobody uses for anything else: a generic site's ``?p=123`` must survive.)
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_hsenc", "_hsmi",
    "ref_src", "igshid", "yclid",
})


def number_in(text: str | None) -> int | None:
    """The count a piece of page text shows ("1,024 Comments" → 1024); None when it shows
    none believable (see :func:`scrapers.numbers.parse_count`)."""
    return parse_count(text)


def page(html: bytes | str) -> LexborHTMLParser:
    return LexborHTMLParser(html)


def canonical_url(url: str, *, keep: Iterable[str] | None = None,
                  drop_query: bool = False) -> str:
    """A diary's one true URL: lower-case scheme and host, no default port, no fragment,
    no ``;jsessionid``-style path parameters, no tracking parameters.

    ``keep`` lists the only query parameters that identify the page (everything else is
    dropped); ``drop_query`` drops the whole query.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port == (80 if scheme == "http" else 443):
        port = None
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port else host
    path = parts.path.split(";", 1)[0] or "/"
    if drop_query or not parts.query:
        query = ""
    else:
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        if keep is not None:
            allowed = set(keep)
            pairs = [(k, v) for k, v in pairs if k in allowed]
        else:
            pairs = [(k, v) for k, v in pairs
                     if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS]
        query = urlencode(pairs)
    return urlunsplit((scheme, netloc, path, query, ""))


def _absolute(base: str, ref: str) -> str:
    """``urljoin`` without its cost for the usual case, a link that is already absolute."""
    if ref.startswith(("http://", "https://")) and "\\" not in ref:
        return ref
    return urljoin(base, ref)


def published_at(entry: Mapping[str, Any]) -> datetime | None:
    """Aware UTC datetime from feedparser's parsed published/updated time."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime(*value[:6], tzinfo=UTC)
            except (TypeError, ValueError):
                continue
    return None


def content_hash(title: str, link: str, summary: str, tags: Iterable[str]) -> str:
    """sha256 over what a reader sees of an entry; a changed hash means an edited entry."""
    data = "\x1f".join([title, link, summary, "\x1e".join(tags)])
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


STORY_GUID = "story:"


def story_guid(story_id: str) -> str:
    """The guid a diary is stored under on a site whose stories have ids."""
    return STORY_GUID + story_id


def web_base(feed_url: str, base: str | None) -> str:
    """The base for a summary's relative links: its xml:base resolved against the feed
    URL, unless that is not an http(s) URL (``javascript:``...): then it is ignored."""
    if not base:
        return feed_url
    try:
        return web_link(urljoin(feed_url, base)) or feed_url
    except ValueError:
        return feed_url


def fallback_guid(link: str, title: str) -> str:
    return "sha256:" + hashlib.sha256(f"{link}\x1f{title}".encode(
        "utf-8", "surrogatepass")).hexdigest()


def _summary(entry: Mapping[str, Any]) -> tuple[str, str | None]:
    """(html, base) for the entry's summary, falling back to its content. ``base`` is the
    document's xml:base in effect, possibly relative (resolve it against the feed URL)."""
    detail = entry.get("summary_detail")
    value = entry.get("summary")
    if not value:
        for content in entry.get("content") or ():
            if content.get("value"):
                value, detail = content["value"], content
                break
    if not value:
        return "", None
    kind = (detail or {}).get("type", "text/html")
    base = (detail or {}).get("base")
    if kind == "text/plain":
        from html import escape

        value = "<p>" + escape(value) + "</p>"
    return value, base


class BaseAdapter:
    """Generic RSS/Atom handling; platform adapters override the few hooks that differ."""

    platform = "generic"
    # Fields this platform's diary pages are known to show: when reads stop finding one,
    # scrape health flags the site (see scrapers.health).
    expected_fields: tuple[str, ...] = ()

    # -- feeds -----------------------------------------------------------------------
    def default_feeds(self, base_url: str) -> list[tuple[str, str]]:
        """(feed URL, kind) pairs a new site of this platform starts with."""
        return [(base_url, "diaries")]

    def rec_list_url(self, base_url: str) -> str | None:
        return None

    def canonical(self, url: str) -> str:
        return canonical_url(url)

    def story_id(self, url: str) -> str | None:
        """The site's own id of the diary a URL shows (None: not a diary URL we know)."""
        return None

    def entry_author(self, entry: Mapping[str, Any]) -> str | None:
        detail = entry.get("author_detail") or {}
        name = (detail.get("name") or entry.get("author") or "").strip()
        return name or None

    def entry_tags(self, entry: Mapping[str, Any], feed_url: str) -> tuple[str, ...]:
        seen: dict[str, str] = {}
        for tag in entry.get("tags") or ():
            term = (tag.get("term") or tag.get("label") or "").strip()
            if term and term.lower() not in seen:
                seen[term.lower()] = term
        return tuple(seen.values())

    def entry_to_diary(self, entry: Mapping[str, Any], feed_url: str) -> EntryData | None:
        """One feedparser entry as diary fields; None when it has neither link nor title."""
        # FeedBurner items carry the real link beside the redirect one.
        raw_link = (entry.get("feedburner_origlink") or entry.get("link") or "").strip()
        title = " ".join((entry.get("title") or "").split())
        if not raw_link and not title:
            return None
        link = self.canonical(_absolute(feed_url, raw_link)) if raw_link else ""
        summary_raw, base = _summary(entry)
        summary = sanitize_html(summary_raw, web_base(feed_url, base))
        tags = self.entry_tags(entry, feed_url)
        guid = (entry.get("id") or entry.get("guid") or "").strip()
        former: tuple[str, ...] = ()
        if guid.startswith("/"):
            guid = urljoin(feed_url, guid)  # a path: the same diary as its full URL
        elif not guid:
            guid = link or fallback_guid(link, title)
        elif ":" not in guid:
            former = (urljoin(feed_url, guid),)  # a bare id: see EntryData.former_guids
        story = self.story_id(link) if link else None
        if story is not None:
            # One diary, one identity: the site's story id, whatever the link's form; rows
            # stored under the feed's guid or link by older versions are matched too.
            former = tuple(dict.fromkeys(g for g in (*former, guid, link) if g))
            guid = story_guid(story)
        return EntryData(
            guid=guid, url=link, title=title or "(untitled)", author=self.entry_author(entry),
            published_at=published_at(entry), tags=tags, summary_html=summary,
            content_hash=content_hash(title, link, summary, tags), former_guids=former)

    # -- pages -----------------------------------------------------------------------
    def parse_counts(self, html: bytes, url: str) -> DiaryCounts:
        """Counts from a diary page. The generic platform knows no markup: (None, None)."""
        return DiaryCounts(recommends=None, comments=None)

    def parse_rec_list(self, html: bytes, base_url: str) -> list[RecListItem]:
        """The diaries a rec-list page or feed links, in its order (the URL is configured
        per site: no platform publishes one we can rely on). Only links this adapter
        reads as diaries count; a page's navigation and ads are not diaries."""
        head = html[:512].lstrip().lower()
        if head.startswith(b"<?xml") or b"<rss" in head or b"<rdf" in head \
                or b"<feed" in head:
            import feedparser

            links = [(e.get("feedburner_origlink") or e.get("link") or "",
                      e.get("title")) for e in feedparser.parse(html).entries]
        else:
            links = [(a.attributes.get("href") or "", a.text(deep=True))
                     for a in page(html).css("a[href]")]
        items: list[RecListItem] = []
        seen: set[str] = set()
        for href, title in links:
            url = self.canonical(urljoin(base_url, href.strip()))
            story = self.story_id(url)
            if story is None or story in seen:
                continue
            seen.add(story)
            items.append(RecListItem(url=url, title=" ".join((title or "").split()) or None))
        return items
