"""Today's Daily Kos (``dailykos``).

Feeds are RSS 2.0: ``rss/tag:Community.xml`` (all community diaries),
``rss/recentstories.xml``, ``rss/tag:<Tag>.xml`` and per-user ``user/<Name>/rss.xml``.
Items carry title, link, guid and an escaped-HTML description, but no author and no
counts, so the story page supplies both: ``.recommend-count`` and ``.comment-count``
(their ``data-count`` when present), and the author from ``.author-name`` — returned in
``DiaryCounts.author``. A story is ``stories/Y/M/D/<id>/-Slug``; its query (tracking
such as ``?detail=emaildkre``) and fragment never identify anything, so they are dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from scrapers.adapters.base import BaseAdapter, canonical_url, node_count, page
from scrapers.types import DiaryCounts, RecListItem

SITE_WIDE_TAGS = {"community"}


class DailyKosAdapter(BaseAdapter):
    platform = "dailykos"

    def default_feeds(self, base_url: str) -> list[tuple[str, str]]:
        base = base_url.rstrip("/") + "/"
        return [(f"{base}rss/tag:Community.xml", "diaries"),
                (f"{base}rss/tag:Health%20Care.xml", "tag"),
                (f"{base}rss/tag:Single%20Payer.xml", "tag")]

    def rec_list_url(self, base_url: str) -> str | None:
        return base_url.rstrip("/") + "/recommended"

    def canonical(self, url: str) -> str:
        return canonical_url(url, drop_query=True)

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
        tree = page(html)
        story = tree.css_first("article.story") or tree.body or tree.root
        if story is None:
            return DiaryCounts(None, None)
        author = story.css_first(".author-name")
        name = " ".join(author.text(deep=True).split()) if author is not None else ""
        return DiaryCounts(recommends=node_count(story.css_first(".recommend-count")),
                           comments=node_count(story.css_first(".comment-count")),
                           author=name or None)

    def parse_rec_list(self, html: bytes, base_url: str) -> list[RecListItem]:
        return self._rec_items(page(html), ".recommended-list li", "a.story-title",
                               ".recommend-count", base_url)
