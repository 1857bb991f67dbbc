"""Scoop (Daily Kos until 2011, MyDD, and other Scoop sites): ``scoop``.

Feeds: ``backend.rss`` (site-wide) and ``tag/<tag>.rss``; items have dc:creator and
dc:subject but no guid, so the story link identifies them. Stories live at
``story/Y/M/D/HHMMSS/<id>``; the query and fragment are dropped. A story page says
"Recommended by N" and "N comments" (``div.story .recommended`` / ``a.comments``), and
the front page's sidebar box "Recommended Diaries" (``#recommended``) is the rec list.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from scrapers.adapters.base import BaseAdapter, canonical_url, number_in, page
from scrapers.types import DiaryCounts, RecListItem

_COMMENTS = re.compile(r"^\s*(\d[\d,]*|no)\s+comments?\s*$", re.I)
_RECOMMENDED = re.compile(r"recommended by\s+(\d[\d,]*)", re.I)


class ScoopAdapter(BaseAdapter):
    platform = "scoop"

    def default_feeds(self, base_url: str) -> list[tuple[str, str]]:
        base = base_url.rstrip("/") + "/"
        return [(f"{base}backend.rss", "diaries"),
                (f"{base}tag/{quote('health care')}.rss", "tag")]

    def rec_list_url(self, base_url: str) -> str | None:
        return base_url.rstrip("/") + "/"

    def canonical(self, url: str) -> str:
        return canonical_url(url, drop_query=True)

    def parse_counts(self, html: bytes, url: str) -> DiaryCounts:
        tree = page(html)
        story = tree.css_first("div.story")
        if story is None:
            return DiaryCounts(None, None)
        recommends = None
        box = story.css_first(".recommended")
        if box is not None:
            match = _RECOMMENDED.search(box.text(deep=True))
            recommends = int(match.group(1).replace(",", "")) if match else None
        comments = None
        link = story.css_first("a.comments")
        candidates = [link] if link is not None else story.css("a")
        for anchor in candidates:
            text = anchor.text(deep=True)
            if _COMMENTS.match(text):
                comments = number_in(text)
                break
        return DiaryCounts(recommends=recommends, comments=comments)

    def parse_rec_list(self, html: bytes, base_url: str) -> list[RecListItem]:
        return self._rec_items(page(html), "#recommended li", "a", ".recs", base_url)
