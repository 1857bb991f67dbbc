"""SoapBlox (Calitics and many state blogs): ``soapblox``.

Feeds: ``rss.xml`` (site-wide), ``rss/tag/<tag>.xml`` and ``atom.xml``. Diaries are
``showDiary.do?diaryId=N``; feed links add ``;jsessionid=...`` and tracking parameters,
so the canonical URL keeps only ``diaryId``. A diary page says "N Recommends" (or
"1 Recommend") and "Comments (N)" in its ``.diaryFooter``; ``showRecommended.do`` lists
the recommended diaries.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from scrapers.adapters.base import BaseAdapter, canonical_url, number_in, page
from scrapers.types import DiaryCounts, RecListItem

_RECOMMENDS = re.compile(r"(\d[\d,]*)\s+recommends?\b", re.I)
_COMMENTS = re.compile(r"comments\s*\((\d[\d,]*)\)", re.I)


class SoapBloxAdapter(BaseAdapter):
    platform = "soapblox"

    def default_feeds(self, base_url: str) -> list[tuple[str, str]]:
        base = base_url.rstrip("/") + "/"
        return [(f"{base}rss.xml", "diaries"),
                (f"{base}rss/tag/{quote('health care')}.xml", "tag")]

    def rec_list_url(self, base_url: str) -> str | None:
        return base_url.rstrip("/") + "/showRecommended.do"

    def canonical(self, url: str) -> str:
        path = urlsplit(url).path.split(";", 1)[0]
        if path.endswith("showDiary.do"):
            return canonical_url(url, keep=("diaryId",))
        return canonical_url(url)

    def parse_counts(self, html: bytes, url: str) -> DiaryCounts:
        tree = page(html)
        diary = tree.css_first("div.diary")
        if diary is None:
            return DiaryCounts(None, None)
        footer = diary.css_first(".diaryFooter") or diary
        recommends = comments = None
        node = footer.css_first(".recommendCount")
        match = _RECOMMENDS.search(node.text(deep=True) if node is not None
                                   else footer.text(deep=True))
        if match:
            recommends = number_in(match.group(1))
        for anchor in footer.css("a"):
            found = _COMMENTS.search(anchor.text(deep=True))
            if found:
                comments = number_in(found.group(1))
                break
        return DiaryCounts(recommends=recommends, comments=comments)

    def parse_rec_list(self, html: bytes, base_url: str) -> list[RecListItem]:
        base = base_url.rstrip("/") + "/"
        return self._rec_items(page(html), "ul.recList li", "a", ".recommendCount", base)
