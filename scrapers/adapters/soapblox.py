"""SoapBlox (Calitics and other state blogs, 2006–2012): ``soapblox``.

Diaries are ``showDiary.do?diaryId=N`` (feed links may add ``;jsessionid=...`` and
tracking parameters); ``diaryId`` is the identity. What is known of a diary page: a
``form[name=rateForm]`` with the recommend button ``#recommender`` (posting to
``ajaxRecommend.do``), comments as ``div.commentLevelN`` blocks, and the byline as
``<i>by: NAME @ DATE</i>``. The page shows no recommend count we know of: recommends
stay unknown rather than invented.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

from scrapers.adapters.base import BaseAdapter, canonical_url, page
from scrapers.adapters.extract import parse_wordy_time
from scrapers.types import DiaryCounts

_COMMENT_CLASS = re.compile(r"(?:^|\s)commentLevel\d+(?:\s|$)")
_BYLINE = re.compile(r"^\s*by:\s*(?P<name>.+?)\s*@\s*(?P<date>.+?)\s*$", re.I | re.S)


class SoapBloxAdapter(BaseAdapter):
    platform = "soapblox"
    expected_fields = ("comments", "author")

    def default_feeds(self, base_url: str) -> list[tuple[str, str]]:
        base = base_url.rstrip("/") + "/"
        return [(f"{base}rss.xml", "diaries"),
                (f"{base}rss/tag/{quote('health care')}.xml", "tag")]

    def canonical(self, url: str) -> str:
        path = urlsplit(url).path.split(";", 1)[0]
        if path.endswith("showDiary.do"):
            return canonical_url(url, keep=("diaryId",))
        return canonical_url(url)

    def story_id(self, url: str) -> str | None:
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if not parts.path.split(";", 1)[0].endswith("showDiary.do"):
            return None
        ids = parse_qs(parts.query).get("diaryId", [])
        return ids[0] if ids and ids[0].isdigit() else None

    def parse_counts(self, html: bytes, url: str) -> DiaryCounts:
        tree = page(html)
        author = published = None
        for node in tree.css("i"):
            match = _BYLINE.match(node.text(deep=True) or "")
            if match:
                author = " ".join(match.group("name").split()) or None
                published = parse_wordy_time(match.group("date"))
                break
        # Zero comment blocks mean zero comments only on a page we recognise as a diary.
        is_diary = tree.css_first('form[name="rateForm"]') is not None \
            or tree.css_first("#recommender") is not None
        blocks = [n for n in tree.css('div[class*="commentLevel"]')
                  if _COMMENT_CLASS.search(n.attributes.get("class") or "")]
        comments = len(blocks) if blocks or is_diary else None
        return DiaryCounts(recommends=None, comments=comments, author=author,
                           published_at=published, story_id=self.story_id(url))


