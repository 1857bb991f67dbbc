"""Scoop (MyDD; Daily Kos 2003–2010): ``scoop``, from Scoop 1.1.8's source and Daily Kos's
published Scoop code.

Scoop's feed is ``backend.rdf`` (RSS 1.0, written by its cron job): items carry only
title, link (``/story/<sid>``) and description — no author, no date, no categories, and
stock Scoop has no per-tag feeds. A story is ``/story/<sid>`` (``/storyonly/`` too) where
the sid looks like ``2007/3/25/112857/665``; it is the story's identity.

Story pages: stock summaries say "(45 comments, 1234 words in story)" as plain text and
show no recommend count (stock Scoop has none). Daily Kos's Scoop pages put the story in
``div#story`` with ``.entry > .intro`` and ``span.diaryTitle``, the comment count in a
``.cct`` element and the recommenders as a list of names in ``#recommenders`` — the count
is the number of names. Author and date are read only where the page shows them.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from scrapers.adapters.base import BaseAdapter, canonical_url, page
from scrapers.adapters.extract import parse_wordy_time, text_of
from scrapers.numbers import parse_count
from scrapers.types import DiaryCounts

_STORY = re.compile(r"/(?:story|storyonly)/(\d{4}/\d{1,2}/\d{1,2}/\d+/\d+)/?$")
_STOCK_COMMENTS = re.compile(r"\(\s*([^()]*?)\s+comments?\b[^()]*\)", re.I)
_BYLINE = re.compile(r"\b(?:posted\s+)?by\s+([^,\n]+?)\s*(?:,|\bon\b|$)", re.I)


class ScoopAdapter(BaseAdapter):
    platform = "scoop"
    # Recommends only where a site added #recommenders (Daily Kos did; stock Scoop did not).
    expected_fields = ("comments",)

    def default_feeds(self, base_url: str) -> list[tuple[str, str]]:
        return [(base_url.rstrip("/") + "/backend.rdf", "diaries")]

    def canonical(self, url: str) -> str:
        return canonical_url(url, drop_query=True)

    def story_id(self, url: str) -> str | None:
        try:
            match = _STORY.search(unquote(urlsplit(url).path))
        except ValueError:
            return None
        return match.group(1) if match else None

    def parse_counts(self, html: bytes, url: str) -> DiaryCounts:
        tree = page(html)
        story = tree.css_first("#story") or tree.css_first("#main") or tree.body
        if story is None:
            return DiaryCounts(None, None)
        recommenders = story.css_first("#recommenders") or tree.css_first("#recommenders")
        recommends = None
        if recommenders is not None:
            names = recommenders.css("li") or recommenders.css("a")
            recommends = len(names)
        comments = None
        cct = tree.css_first(".cct")
        if cct is not None:
            comments = parse_count(text_of(cct))
        if comments is None:
            match = _STOCK_COMMENTS.search(story.text(deep=True))
            comments = parse_count(match.group(1)) if match else None
        author = None
        info = story.css_first(".byline") or story.css_first(".storyinfo")
        anchor = (info or story).css_first('a[href*="/user/"]')
        if anchor is not None:
            author = text_of(anchor)
        elif info is not None and (found := _BYLINE.search(text_of(info) or "")):
            author = found.group(1).strip()
        return DiaryCounts(recommends=recommends, comments=comments, author=author,
                           published_at=parse_wordy_time(text_of(info or story)),
                           story_id=self.story_id(url))
