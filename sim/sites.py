# ruff: noqa: E501 - page templates read best one element per line
"""The three simulated blogs, each serving the shapes its real platform serves (see the
adapters' docstrings for the evidence), so intake is tested against what sites send.

* ``dailykos``: today's Daily Kos. RSS 2.0 at ``rss/tag:Community.xml``,
  ``rss/recentstories.xml``, ``rss/tag:<Tag>.xml`` and ``user/<name>/rss.xml``; items link
  ``story/Y/M/D/<id>/-Slug?pm_campaign=blog&pm_medium=rss&pm_source=`` and carry no author
  and no counts. Story pages ``stories/Y/M/D/<id>/-Slug`` hold the numbers in an inline
  script (``DailyKos.currentStory*``), the byline in ``<noscript>``, an empty
  ``#react-story-stats`` mount and a header of site-wide trending tags (a trap).
  ``rss/tag:Recommended.xml`` lists the diaries over the site's rec threshold.
* ``mydd``: Scoop. ``backend.rdf`` (RSS 1.0: title, link ``story/<sid>``, description
  only). Story pages in Daily Kos's Scoop shape: ``div#story`` in ``#main``, the comment
  count in ``.cct``, the recommenders as names in ``#recommenders``.
* ``calitics``: SoapBlox. ``rss.xml`` (and ``rss/tag/<tag>.xml``) plus ``atom.xml``;
  diaries at ``showDiary.do?diaryId=N`` (feed links carry a ``;jsessionid``); pages have
  ``form[name=rateForm]`` with ``#recommender``, the byline ``<i>by: NAME @ DATE</i>``
  and comments as ``div.commentLevelN`` blocks; no recommend count is shown.

Any site can be switched to a "redesigned" markup (``BlogNetwork.set_redesigned``) in which
none of the above is where the adapters look: scrape health must notice.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from html import escape
from urllib.parse import quote, unquote, urlsplit
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
        self.redesigned = False  # serve markup none of the adapters know

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


def _js_json(value) -> str:
    """A JSON literal safe inside an inline <script>."""
    return json.dumps(value).replace("</", "<\\/")


def _js_string(value: str) -> str:
    return _js_json(value)


def _js_single(value: str) -> str:
    """A single-quoted JS string literal (Daily Kos writes author and date this way)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("</", "<\\/") + "'"


class DailyKos(Site):
    slug, name, platform = "dailykos", "Daily Kos", "dailykos"
    rec_threshold = 60
    # The header's trending tags: site-wide, not the story's own (a trap for adapters).
    TRENDING = ("DonaldTrump", "StateoftheUnion", "Immigration", "Elections")

    def diary_url(self, diary: SimDiary, base: str) -> str:
        p = diary.published_at.astimezone(PACIFIC)
        return f"{base}stories/{p.year}/{p.month}/{p.day}/{diary.number}/-{slug(diary.title)}"

    def feed_link(self, diary: SimDiary, base: str) -> str:
        p = diary.published_at.astimezone(PACIFIC)
        return (f"{base}story/{p.year}/{p.month}/{p.day}/{diary.number}/-{slug(diary.title)}"
                "?pm_campaign=blog&pm_medium=rss&pm_source=")

    def route(self, path, query, now, base):
        if path == "rss/tag:Recommended.xml":
            return self.feed(rec_list(self.timeline.visible(now), now, self.rec_threshold),
                             "Daily Kos: Recommended", base)
        if path in ("rss/tag:Community.xml", "rss/recentstories.xml"):
            return self.feed(self.recent(now), "Daily Kos", base)
        if match := re.fullmatch(r"rss/tag:(.+)\.xml", path):
            tag = unquote(match.group(1))
            return self.feed(self.recent(now, tag), f"Daily Kos: {tag}", base)
        if match := re.fullmatch(r"user/([^/]+)/rss\.xml", path):
            who = unquote(match.group(1))
            mine = [d for d in self.recent(now) if d.author == who]
            return self.feed(mine, f"Daily Kos: {who}", base)
        if match := re.fullmatch(r"(?:stories|story|storyonly)/\d+/\d+/\d+/(\d+)(?:/.*)?", path):
            diary = self.timeline.find(int(match.group(1)), now)
            return self.story(diary, now, base) if diary else not_found()
        return not_found()

    def feed(self, diaries, title, base) -> Reply:
        items = []
        for d in diaries:
            link = self.feed_link(d, base)
            items.append(
                "<item>\n"
                f"<title>{escape(d.title)}</title>\n"
                f"<link>{escape(link)}</link>\n"
                f"<guid isPermaLink=\"true\">{escape(link)}</guid>\n"
                f"<pubDate>{rfc822(d.published_at)}</pubDate>\n"
                f"<description>{escape(d.body_html)}</description>\n"
                "</item>\n")
        return Reply(body=_rss(title, base, items), content_type="application/rss+xml; "
                     "charset=utf-8", last_modified=_latest(diaries))

    def story(self, d: SimDiary, now: datetime, base: str) -> Reply:
        recs, comments = d.recommends(now), d.comments(now)
        url = self.diary_url(d, base)
        local = d.published_at.astimezone(PACIFIC)
        published = local.strftime("%Y-%m-%d %H:%M:%S %z")
        trending = "".join(f"<li><a href=\"/tags/{t}\" class=\"tags-bar__tag\" tabindex=\"-1\">"
                           f"#{t.lower()}</a></li>" for t in self.TRENDING)
        if self.redesigned:
            # A redesign: the numbers move into a JSON blob under new names, the byline
            # leaves <noscript>. Nothing the adapter knows is left.
            data = _js_json({"story": {"id": d.number, "recs": recs, "replies": comments,
                                       "writer": d.author}})
            head = f"<script>window.__STORY__ = {data};</script>"
            byline = f"<p class=\"writer\">{escape(d.author)}</p>"
        else:
            tags = _js_json(list(d.tags))
            head = f"""<script>
  (function () {{
    if(!window.DailyKos) window.DailyKos = {{}};
    var DailyKos = window.DailyKos;
    DailyKos.pageType = "responsive_stories";
    DailyKos.currentStoryID = "{d.number}";
    DailyKos.currentStoryCanonicalUrl = {_js_string(url)};
    DailyKos.currentStoryTags = {tags};
    DailyKos.currentStoryAuthor = {_js_single(d.author)};
    DailyKos.currentStoryTitle = {_js_string(d.title)};
    DailyKos.currentStoryPublishDate = {_js_single(published)};
    DailyKos.currentStoryCommentCount = {comments};
    DailyKos.currentStoryRecommendCount = {recs};
  }})();
</script>"""
            byline = (f"<div class='byline__name'> by <a href=\"/users/{quote(d.author)}\">"
                      f"{escape(d.author)}</a></div>")
        body = f"""<header aria-label='Daily Kos'><div class="tags-bar tags-bar--desktop"><ul class="tags-bar__list">{trending}</ul></div></header>
<div class="story">
  <div class="story__details story__details--preload"><div class='placeholder byline__name'></div></div>
  <div id="react-story-stats"></div>
  <noscript>
    <div class="story__details">
      <h1><a class="story__title" href="{escape(urlsplit(url).path)}">{escape(d.title)}</a></h1>
      <div class="byline__author">{byline}</div>
      <div class="story__timestamp"><span class="timestamp">{escape(local.strftime("%A, %b. %d, %Y"))}</span></div>
    </div>
    <div class="story__section"><div class="story__content">{d.body_html}</div></div>
  </noscript>
</div>"""
        page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>{escape(d.title)}</title>\n"
                f"<link href=\"{escape(url)}\" rel=\"canonical\" />\n"
                f"<meta property=\"og:url\" content=\"{escape(url)}\" />\n{head}</head>\n"
                f"<body>\n{body}\n</body></html>\n")
        return Reply(body=page.encode())


class Scoop(Site):
    slug, name, platform = "mydd", "MyDD", "scoop"
    rec_threshold = 20

    def sid(self, diary: SimDiary) -> str:
        p = diary.published_at.astimezone(PACIFIC)
        return f"{p.year}/{p.month}/{p.day}/{int(p.strftime('%H%M%S'))}/{diary.number}"

    def diary_url(self, diary: SimDiary, base: str) -> str:
        return f"{base}story/{self.sid(diary)}"

    def route(self, path, query, now, base):
        if path == "backend.rdf":
            return self.feed(self.recent(now), "MyDD", base)
        if match := re.fullmatch(r"(?:story|storyonly)/\d+/\d+/\d+/\d+/(\d+)", path):
            diary = self.timeline.find(int(match.group(1)), now)
            return self.story(diary, now, base) if diary else not_found()
        return not_found()

    def feed(self, diaries, title, base) -> Reply:
        # Scoop's cron-written RSS 1.0: title, link and description, nothing else.
        seq = "".join(f"<rdf:li resource=\"{escape(self.diary_url(d, base))}\"/>"
                      for d in diaries)
        items = "".join(
            f"<item rdf:about=\"{escape(self.diary_url(d, base))}\">\n"
            f"<title>{escape(d.title)}</title>\n"
            f"<link>{escape(self.diary_url(d, base))}</link>\n"
            f"<description>{escape(d.body_html)}</description>\n</item>\n"
            for d in diaries)
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
                "xmlns=\"http://purl.org/rss/1.0/\">\n"
                f"<channel rdf:about=\"{escape(base)}\">\n<title>{escape(title)}</title>\n"
                f"<link>{escape(base)}</link>\n<description>{escape(title)}</description>\n"
                f"<items><rdf:Seq>{seq}</rdf:Seq></items>\n</channel>\n{items}</rdf:RDF>\n")
        return Reply(body=body.encode("utf-8"), content_type="application/rdf+xml",
                     last_modified=_latest(diaries))

    def story(self, d: SimDiary, now: datetime, base: str) -> Reply:
        recs, comments = d.recommends(now), d.comments(now)
        names = "".join(f"<li><a href=\"{base}user/uid:{1000 + i}\">reader{i}</a></li>"
                        for i in range(recs))
        if self.redesigned:
            stats = f"<p class=\"stats\">{recs} people liked this; {comments} replies</p>"
        else:
            stats = (f"<a id=\"recommendersLink\" href=\"#\">Recommended by</a>"
                     f"<ul id=\"recommenders\">{names}</ul>\n"
                     f"<p>:: <a href=\"{self.diary_url(d, base)}#commenttop\">"
                     f"<span class=\"cct\">{comments}</span> comments</a></p>")
        main = f"""<div id="main">
<div id="story">
<span class="diaryTitle">{escape(d.title)}</span>
<div class="byline">by <a href="{base}user/uid:{zlib.crc32(d.author.encode()) % 9000}">{escape(d.author)}</a>, Posted on {scoop_date(d.published_at)}</div>
<div class="entry"><div class="intro">{d.body_html}</div></div>
{stats}
</div>
</div>"""
        return Reply(body=_page(f"MyDD :: {d.title}", main))


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
        comments = d.comments(now)
        level = "commentLevel" if not self.redesigned else "reply-depth-"
        blocks = "\n".join(f"<div class=\"{level}{1 + i % 3}\"><p>Comment {i + 1}</p></div>"
                           for i in range(comments))
        byline = (f"<i>by: {escape(d.author)} @ {scoop_date(d.published_at)}</i>"
                  if not self.redesigned else f"<em class=\"who\">{escape(d.author)}</em>")
        form = ("<form name=\"rateForm\" action=\"ajaxRecommend.do\" method=\"post\">"
                f"<input type=\"hidden\" name=\"diaryId\" value=\"{d.number}\">"
                "<input id=\"recommender\" type=\"button\" value=\"Recommend\"></form>"
                if not self.redesigned else "<button class=\"like\">Like</button>")
        main = f"""<div id="wrapper"><div id="header"><a href="{base}">Calitics</a></div>
<div id="content">
<h2><a href="showDiary.do?diaryId={d.number}">{escape(d.title)}</a></h2>
<p>{byline}</p>
<div>{d.body_html}</div>
{form}
<div id="comments">
{blocks}
</div>
</div>
</div>"""
        return Reply(body=_page(f"Calitics :: {d.title}", main))


SITE_CLASSES = (DailyKos, Scoop, SoapBlox)
