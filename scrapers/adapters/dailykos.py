"""Today's Daily Kos (``dailykos``), read from what www.dailykos.com serves (a real 2026
story page is the evidence: ``../shared/data/real-dailykos/``).

Feeds are RSS 2.0 (``rss/tag:Community.xml``, ``rss/tag:<Tag>.xml``, ...). Items link
``/story/Y/M/D/<id>/-Slug?pm_campaign=...`` (singular, tracking parameters) while pages
call themselves ``/stories/...``; older feeds put the author as ``rss@dailykos.com
(Name)``. Story pages carry their numbers in an inline script (``DailyKos.current
StoryRecommendCount = 66;``, ``...CommentCount``, ``...Author``, ``...Tags``,
``...PublishDate``, ``...ID``): the visible stats box is an empty mount filled by the
site's JavaScript, so there is no count element to read. The visible byline sits in
``<noscript>`` (``.byline__name a``). The header's ``tags-bar`` is site-wide trending tags,
not the story's. No rec-list page is known today: it is configured per site.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from scrapers.adapters.base import BaseAdapter, canonical_url, page
from scrapers.adapters.extract import (
    canonical_link,
    inline_scripts,
    json_ld,
    parse_time,
    script_variable,
    text_of,
)
from scrapers.numbers import parse_count
from scrapers.types import DiaryCounts

SITE_WIDE_TAGS = {"community"}
# /story/ (feeds, Scoop era), /stories/ (pages), /storyonly/ (2010). After Y/M/D comes the
# id; Scoop-era ids had a second number ("/story/2007/3/25/112857/665"), modern ones a
# "-Slug" or a section and slug ("/stories/2026/7/15/800070587/community/slug/").
# (Searched, not anchored: a site may live under a path, as the simulated one does.)
_STORY = re.compile(r"/(?:story|stories|storyonly)/(\d{4})/(\d{1,2})/(\d{1,2})/(\d+)"
                    r"(?:/(\d+))?(?:/.*)?$")
# "rss@dailykos.com (Name)": the name is the author, the address is the site's.
_RSS_AUTHOR = re.compile(r"^\s*\S+@\S+\s*\((?P<name>[^)]+)\)\s*$")


def story_parts(url: str) -> tuple[str, str] | None:
    """(date path "Y/M/D", story id) of a Daily Kos story URL; None for other URLs."""
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return None
    match = _STORY.search(path)
    if match is None:
        return None
    year, month, day, first, second = match.groups()
    story = f"{year}/{month}/{day}/{first}/{second}" if second else first
    return f"{year}/{int(month)}/{int(day)}", story


class DailyKosAdapter(BaseAdapter):
    platform = "dailykos"
    expected_fields = ("recommends", "comments", "author")

    def default_feeds(self, base_url: str) -> list[tuple[str, str]]:
        base = base_url.rstrip("/") + "/"
        return [(f"{base}rss/tag:Community.xml", "diaries"),
                (f"{base}rss/tag:Health%20Care.xml", "tag"),
                (f"{base}rss/tag:Single%20Payer.xml", "tag")]

    def canonical(self, url: str) -> str:
        """Pages' own form: ``/stories/``, no query (``pm_*``, ``detail=``), no fragment."""
        clean = canonical_url(url, drop_query=True)
        parts = urlsplit(clean)
        path = re.sub(r"/(?:story|storyonly)/(?=\d{4}/)", "/stories/", parts.path, count=1)
        found = story_parts(clean)
        # Scoop-era ids ("112857/665") were only ever served under /story/.
        if path != parts.path and found is not None and "/" not in found[1]:
            return urlunsplit(parts._replace(path=path))
        return clean

    def story_id(self, url: str) -> str | None:
        parts = story_parts(url)
        return parts[1] if parts else None

    def entry_author(self, entry: Mapping[str, Any]) -> str | None:
        name = super().entry_author(entry)
        match = _RSS_AUTHOR.match(name or "")
        return match.group("name").strip() if match else name

    def entry_tags(self, entry: Mapping[str, Any], feed_url: str) -> tuple[str, ...]:
        tags = list(super().entry_tags(entry, feed_url))
        # Items carry no categories; an item in tag:X.xml is tagged X.
        last = unquote(urlsplit(feed_url).path.rsplit("/", 1)[-1])
        if last.startswith("tag:") and last.endswith(".xml"):
            tag = last[4:-4].strip()
            if tag and tag.lower() not in SITE_WIDE_TAGS and \
                    tag.lower() not in {t.lower() for t in tags}:
                tags.append(tag)
        return tuple(tags)

    def parse_counts(self, html: bytes, url: str) -> DiaryCounts:
        """In order of trust: the page's ``DailyKos.currentStory*`` variables, then JSON-LD,
        then the ``<noscript>`` byline and the canonical link."""
        tree = page(html)
        scripts = inline_scripts(tree)

        def var(name: str):
            return script_variable(scripts, f"DailyKos.currentStory{name}")

        ld = next((item for item in json_ld(tree)
                   if str(item.get("@type", "")).endswith("Article")), {})
        author = var("Author")
        if not isinstance(author, str) or not author.strip():
            ld_author = ld.get("author")
            if isinstance(ld_author, list):
                ld_author = ld_author[0] if ld_author else None
            author = ld_author.get("name") if isinstance(ld_author, dict) else None
        if not isinstance(author, str) or not author.strip():
            author = text_of(tree.css_first(".byline__name a"))
        tags = var("Tags")
        story = var("ID")
        if story is None:
            story = self.story_id(var("CanonicalUrl") or canonical_link(tree) or url)
        return DiaryCounts(
            recommends=parse_count(var("RecommendCount")),
            comments=parse_count(var("CommentCount") if var("CommentCount") is not None
                                 else ld.get("commentCount")),
            author=" ".join(author.split()) if isinstance(author, str) and author.strip()
            else None,
            published_at=parse_time(var("PublishDate")) or parse_time(ld.get("datePublished")),
            tags=tuple(str(t) for t in tags if isinstance(t, str | int))
            if isinstance(tags, list) else (),
            story_id=str(story) if story is not None else None)
