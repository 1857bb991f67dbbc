# ruff: noqa: E501 - page templates read best one element per line
"""The three simulated blogs, each drawing its feeds and pages the way its platform did.

* ``dailykos``: today's Daily Kos. RSS 2.0 at ``rss/tag:Community.xml``,
  ``rss/recentstories.xml``, ``rss/tag:<Tag>.xml`` and ``user/<name>/rss.xml``; items
  have title, link, guid, pubDate and an escaped-HTML description, but no author and
  no counts. Story pages ``stories/Y/M/D/<id>/-Slug`` show the counts in
  ``.recommend-count`` / ``.comment-count`` and the author in ``.author-name``.
  The Recommended list is at ``recommended``.
* ``mydd``: Scoop. ``backend.rss`` (and ``tag/<tag>.rss``) with dc:creator and
  dc:subject, no guid. Story pages ``story/Y/M/D/HHMMSS/<id>`` say "Recommended by N"
  and "N comments"; the front page has the "Recommended Diaries" box.
* ``calitics``: SoapBlox. ``rss.xml`` (and ``rss/tag/<tag>.xml``) plus ``atom.xml``;
  diaries at ``showDiary.do?diaryId=N`` (feed links carry a ``;jsessionid``), pages say
  "N Recommends" and "Comments (N)"; the list is at ``showRecommended.do``.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from html import escape
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

from sim.content import SimDiary, Timeline, rec_list

PACIFIC = ZoneInfo("America/Los_Angeles")


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    last_modified: datetime | None = None
    headers: dict[str, str] = field(default_factory=dict)


def not_found() -> Reply:
    return Reply(404, b"<html><body><h1>Not found</h1></body></html>")


def rfc822(when: datetime) -> str:
    return format_datetime(when, usegmt=True)


def scoop_date(when: datetime) -> str:
    local = when.astimezone(PACIFIC)
    return local.strftime("%a %b %d, %Y at %I:%M:%S %p %Z").replace(" 0", " ")


def slug(title: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", title)
    return "-".join(words)[:80] or "diary"


def tag_key(tag: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unquote(tag).lower())


def _rss(title: str, link: str, items: list[str], extra_ns: str = "") -> bytes:
    return ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            f"<rss version=\"2.0\"{extra_ns}>\n<channel>\n"
            f"<title>{escape(title)}</title>\n<link>{escape(link)}</link>\n"
            f"<description>{escape(title)}</description>\n<language>en-us</language>\n"
            + "".join(items) + "</channel>\n</rss>\n").encode("utf-8")


def _latest(diaries: list[SimDiary]) -> datetime | None:
    return max((d.published_at for d in diaries), default=None)


def _page(title: str, body: str) -> bytes:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title></head>\n<body>\n{body}\n</body></html>\n"
            ).encode()


class Site:
    slug = ""
    name = ""
    platform = ""
    rec_threshold = 20
    feed_size = 20

    def __init__(self, seed: int, start: datetime):
        self.timeline = Timeline(self.slug, seed, start)

    def route(self, path: str, query: dict[str, str], now: datetime, base: str) -> Reply:
        raise NotImplementedError

    def diary_url(self, diary: SimDiary, base: str) -> str:
        raise NotImplementedError

    def recent(self, now: datetime, tag: str | None = None) -> list[SimDiary]:
        diaries = self.timeline.visible(now)
        if tag is not None:
            key = tag_key(tag)
            diaries = [d for d in diaries if key in {tag_key(t) for t in d.tags}]
        return list(reversed(diaries))[: self.feed_size]


class DailyKos(Site):
    slug, name, platform = "dailykos", "Daily Kos", "dailykos"
    rec_threshold = 60

    def diary_url(self, diary: SimDiary, base: str) -> str:
        p = diary.published_at
        return f"{base}stories/{p.year}/{p.month}/{p.day}/{diary.number}/-{slug(diary.title)}"

    def route(self, path, query, now, base):
        if path in ("rss/tag:Community.xml", "rss/recentstories.xml"):
            return self.feed(self.recent(now), "Daily Kos", base)
        if match := re.fullmatch(r"rss/tag:(.+)\.xml", path):
            tag = unquote(match.group(1))
            return self.feed(self.recent(now, tag), f"Daily Kos: {tag}", base)
        if match := re.fullmatch(r"user/([^/]+)/rss\.xml", path):
            who = unquote(match.group(1))
            mine = [d for d in self.recent(now) if d.author == who]
            return self.feed(mine, f"Daily Kos: {who}", base)
        if match := re.fullmatch(r"stories/\d+/\d+/\d+/(\d+)/-?[^/]*", path):
            diary = self.timeline.find(int(match.group(1)), now)
            return self.story(diary, now, base) if diary else not_found()
        if path == "recommended":
            return self.recommended(now, base)
        if path == "":
            return self.recommended(now, base)
        return not_found()

    def feed(self, diaries, title, base) -> Reply:
        items = []
        for d in diaries:
            link = self.diary_url(d, base)
            items.append(
                "<item>\n"
                f"<title>{escape(d.title)}</title>\n"
                # Real feeds add tracking parameters; canonicalisation must strip them.
                f"<link>{escape(link)}?utm_source=feed&amp;utm_medium=rss</link>\n"
                f"<guid isPermaLink=\"true\">{escape(link)}</guid>\n"
                f"<pubDate>{rfc822(d.published_at)}</pubDate>\n"
                f"<description>{escape(d.body_html)}</description>\n"
                "</item>\n")
        return Reply(body=_rss(title, base, items), content_type="application/rss+xml; "
                     "charset=utf-8", last_modified=_latest(diaries))

    def story(self, d: SimDiary, now: datetime, base: str) -> Reply:
        recs, comments = d.recommends(now), d.comments(now)
        tags = "".join(f"<li><a href=\"{base}tags/{quote(t)}\">{escape(t)}</a></li>"
                       for t in d.tags)
        body = f"""<header class="site-header"><a class="logo" href="{base}">Daily Kos</a>
<span class="trending">Trending: {recs * 37 + 1204:,} readers</span></header>
<main class="story-page">
<article class="story" data-story-id="{d.number}">
  <h1 class="story-title">{escape(d.title)}</h1>
  <div class="author-byline">
    <a class="author-name" rel="author" href="{base}user/{quote(d.author)}">{escape(d.author)}</a>
    <span class="author-badge">Community</span>
    <time class="story-date" datetime="{d.published_at.isoformat()}">{scoop_date(d.published_at)}</time>
  </div>
  <div class="story-intro">{d.body_html}</div>
  <ul class="story-tags">{tags}</ul>
  <div class="story-actions">
    <button class="recommend-button" type="button">Recommend</button>
    <span class="recommend-count" data-count="{recs}">{recs:,}</span>
    <span class="recommend-label">Recommended</span>
    <a class="comments-link" href="#comments"><span class="comment-count" data-count="{comments}">{comments:,}</span> Comments</a>
  </div>
</article>
<section id="comments" class="comments"><h2>Comments</h2></section>
</main>
<aside class="sidebar"><h3>Popular</h3><ul><li>Top comments: 12 new</li></ul></aside>"""
        return Reply(body=_page(f"{d.title} - Daily Kos", body))

    def recommended(self, now: datetime, base: str) -> Reply:
        rows = []
        for d in rec_list(self.timeline.visible(now), now, self.rec_threshold):
            rows.append(
                f"<li class=\"story-list-item\"><a class=\"story-title\" "
                f"href=\"{self.diary_url(d, base)}\">{escape(d.title)}</a> "
                f"<span class=\"author-name\">{escape(d.author)}</span> "
                f"<span class=\"recommend-count\">{d.recommends(now):,}</span></li>")
        body = ("<main><h1>Recommended</h1>\n<ol class=\"story-list recommended-list\">\n"
                + "\n".join(rows) + "\n</ol></main>")
        return Reply(body=_page("Recommended - Daily Kos", body))


class Scoop(Site):
    slug, name, platform = "mydd", "MyDD", "scoop"
    rec_threshold = 20

    def diary_url(self, diary: SimDiary, base: str) -> str:
        p = diary.published_at.astimezone(PACIFIC)
        return (f"{base}story/{p.year}/{p.month}/{p.day}/{p.strftime('%H%M%S').lstrip('0')}"
                f"/{diary.number}")

    def route(self, path, query, now, base):
        if path == "backend.rss":
            return self.feed(self.recent(now), "MyDD", base)
        if match := re.fullmatch(r"tag/(.+)\.rss", path):
            tag = unquote(match.group(1))
            return self.feed(self.recent(now, tag), f"MyDD: {tag}", base)
        if match := re.fullmatch(r"story/\d+/\d+/\d+/\d+/(\d+)", path):
            diary = self.timeline.find(int(match.group(1)), now)
            return self.story(diary, now, base) if diary else not_found()
        if path == "":
            return self.front(now, base)
        return not_found()

    def feed(self, diaries, title, base) -> Reply:
        items = []
        for d in diaries:
            subjects = "".join(f"<dc:subject>{escape(t)}</dc:subject>\n" for t in d.tags)
            items.append(
                "<item>\n"
                f"<title>{escape(d.title)}</title>\n"
                f"<link>{escape(self.diary_url(d, base))}</link>\n"
                f"<description>{escape(d.body_html)}</description>\n"
                f"<dc:creator>{escape(d.author)}</dc:creator>\n{subjects}"
                f"<pubDate>{rfc822(d.published_at)}</pubDate>\n"
                "</item>\n")
        return Reply(body=_rss(title, base, items,
                               ' xmlns:dc="http://purl.org/dc/elements/1.1/"'),
                     content_type="application/rss+xml; charset=utf-8",
                     last_modified=_latest(diaries))

    def box(self, now: datetime, base: str) -> str:
        rows = []
        for d in rec_list(self.timeline.visible(now), now, self.rec_threshold):
            rows.append(
                f"<li><a class=\"title\" href=\"{self.diary_url(d, base)}\">"
                f"{escape(d.title)}</a> <span class=\"by\">by {escape(d.author)}</span> "
                f"<span class=\"recs\">({d.recommends(now)} recs)</span></li>")
        return ("<div class=\"box\" id=\"recommended\"><div class=\"boxtitle\">"
                "Recommended Diaries</div>\n<ul>\n" + "\n".join(rows) + "\n</ul></div>")

    def _frame(self, main: str, now: datetime, base: str) -> str:
        return (f"<table width=\"100%\" cellpadding=\"4\"><tr><td class=\"masthead\" "
                f"colspan=\"2\"><a href=\"{base}\"><b>MyDD</b></a> :: Direct Democracy"
                f"</td></tr>\n<tr><td valign=\"top\" class=\"main\">\n{main}\n</td>\n"
                f"<td valign=\"top\" width=\"220\" class=\"sidebar\">\n{self.box(now, base)}"
                "\n</td></tr></table>")

    def story(self, d: SimDiary, now: datetime, base: str) -> Reply:
        recs, comments = d.recommends(now), d.comments(now)
        url = self.diary_url(d, base)
        tags = ", ".join(f"<a href=\"{base}tag/{quote(t)}\">{escape(t)}</a>" for t in d.tags)
        said = "1 comment" if comments == 1 else f"{comments} comments"
        main = f"""<div class="story">
<font size="+1"><b class="storytitle">{escape(d.title)}</b></font><br>
<span class="byline">By <a class="author" href="{base}user/uid:{zlib.crc32(d.author.encode()) % 9000}">{escape(d.author)}</a>, Section <a href="{base}section/Diary">Diary</a><br>
Posted on {scoop_date(d.published_at)}</span>
<div class="intro">{d.body_html}</div>
<div class="tags">Tags: {tags} (<a href="{base}tag">all tags</a>)</div>
<div class="recommended">Recommended by {recs}</div>
<div class="storyfoot"><a href="{url}">Permalink</a> :: <a class="comments" href="{url}#commenttop">{said}</a> :: <a href="{base}print/story/{d.number}">Print</a></div>
</div>"""
        return Reply(body=_page(f"MyDD :: {d.title}", self._frame(main, now, base)))

    def front(self, now: datetime, base: str) -> Reply:
        rows = "".join(f"<p><a href=\"{self.diary_url(d, base)}\">{escape(d.title)}</a> "
                       f"by {escape(d.author)}</p>\n" for d in self.recent(now)[:10])
        return Reply(body=_page("MyDD", self._frame(rows, now, base)))


class SoapBlox(Site):
    slug, name, platform = "calitics", "Calitics", "soapblox"
    rec_threshold = 10

    def diary_url(self, diary: SimDiary, base: str) -> str:
        return f"{base}showDiary.do?diaryId={diary.number}"

    def route(self, path, query, now, base):
        if path == "rss.xml":
            return self.feed(self.recent(now), "Calitics", base)
        if match := re.fullmatch(r"rss/tag/(.+)\.xml", path):
            tag = unquote(match.group(1))
            return self.feed(self.recent(now, tag), f"Calitics: {tag}", base)
        if path == "atom.xml":
            return self.atom(self.recent(now), base)
        # Java servlet URLs may carry ;jsessionid=... path parameters.
        page = path.split(";", 1)[0]
        if page == "showDiary.do" and query.get("diaryId", "").isdigit():
            diary = self.timeline.find(int(query["diaryId"]), now)
            return self.story(diary, now, base) if diary else not_found()
        if page == "showRecommended.do":
            return self.recommended(now, base)
        if path == "":
            return self.recommended(now, base)
        return not_found()

    def feed(self, diaries, title, base) -> Reply:
        items = []
        for d in diaries:
            link = (f"{base}showDiary.do;jsessionid=3F2A9C{d.number:X}?diaryId={d.number}"
                    "&amp;from=rss")
            cats = "".join(f"<category>{escape(t)}</category>\n" for t in d.tags)
            items.append(
                "<item>\n"
                f"<title>{escape(d.title)}</title>\n<link>{link}</link>\n"
                f"<guid isPermaLink=\"false\">calitics-diary-{d.number}</guid>\n"
                f"<description>{escape(d.body_html)}</description>\n"
                f"<dc:creator>{escape(d.author)}</dc:creator>\n{cats}"
                f"<pubDate>{rfc822(d.published_at)}</pubDate>\n</item>\n")
        return Reply(body=_rss(title, base, items,
                               ' xmlns:dc="http://purl.org/dc/elements/1.1/"'),
                     content_type="application/rss+xml; charset=utf-8",
                     last_modified=_latest(diaries))

    def atom(self, diaries, base) -> Reply:
        updated = _latest(diaries)
        entries = []
        for d in diaries:
            cats = "".join(f"<category term=\"{escape(t)}\"/>" for t in d.tags)
            entries.append(
                "<entry>\n"
                f"<title>{escape(d.title)}</title>\n"
                f"<link rel=\"alternate\" href=\"{escape(self.diary_url(d, base))}\"/>\n"
                f"<id>tag:calitics.com,2007:diary-{d.number}</id>\n"
                f"<published>{d.published_at.isoformat()}</published>\n"
                f"<updated>{d.published_at.isoformat()}</updated>\n"
                f"<author><name>{escape(d.author)}</name></author>\n{cats}\n"
                f"<summary type=\"html\">{escape(d.body_html)}</summary>\n</entry>\n")
        body = ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>Calitics</title>\n"
                f"<link rel=\"alternate\" href=\"{escape(base)}\"/>\n"
                f"<id>{escape(base)}atom.xml</id>\n"
                f"<updated>{(updated.isoformat() if updated else '2007-01-01T00:00:00Z')}"
                "</updated>\n" + "".join(entries) + "</feed>\n")
        return Reply(body=body.encode("utf-8"),
                     content_type="application/atom+xml; charset=utf-8", last_modified=updated)

    def story(self, d: SimDiary, now: datetime, base: str) -> Reply:
        recs, comments = d.recommends(now), d.comments(now)
        tags = ", ".join(f"<a href=\"{base}showTag.do?tag={quote(t)}\">{escape(t)}</a>"
                         for t in d.tags)
        rec_word = "Recommend" if recs == 1 else "Recommends"
        main = f"""<div id="wrapper"><div id="header"><a href="{base}">Calitics</a></div>
<div id="content">
<div class="diary">
<h2 class="diaryTitle"><a href="showDiary.do?diaryId={d.number}">{escape(d.title)}</a></h2>
<div class="diaryByline">by: <a href="showUser.do?user={quote(d.author)}">{escape(d.author)}</a></div>
<div class="diaryDate">{scoop_date(d.published_at)}</div>
<div class="diaryBody">{d.body_html}</div>
<div class="diaryTags">Tags: {tags}</div>
<div class="diaryFooter"><span class="recommendCount">{recs} {rec_word}</span> |
<a class="commentCount" href="showDiary.do?diaryId={d.number}#comments">Comments ({comments})</a> |
<a href="printDiary.do?diaryId={d.number}">Printer Friendly</a></div>
</div>
</div>
<div id="sidebar"><div class="sideBox"><h3>Upcoming events</h3><p>Comments (3) on the calendar</p></div></div>
</div>"""
        return Reply(body=_page(f"Calitics :: {d.title}", main))

    def recommended(self, now: datetime, base: str) -> Reply:
        rows = []
        for d in rec_list(self.timeline.visible(now), now, self.rec_threshold):
            recs = d.recommends(now)
            rows.append(
                f"<li class=\"recDiary\"><a href=\"showDiary.do?diaryId={d.number}\">"
                f"{escape(d.title)}</a> by {escape(d.author)} "
                f"<span class=\"recommendCount\">{recs} "
                f"{'Recommend' if recs == 1 else 'Recommends'}</span></li>")
        body = ("<div id=\"content\"><h2>Recommended Diaries</h2>\n<ul class=\"recList\">\n"
                + "\n".join(rows) + "\n</ul></div>")
        return Reply(body=_page("Calitics :: Recommended Diaries", body))


SITE_CLASSES = (DailyKos, Scoop, SoapBlox)
