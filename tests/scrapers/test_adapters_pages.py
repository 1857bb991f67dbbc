"""Site adapters against saved pages and feeds (tests/data/<platform>/expected.json)."""

import json
from datetime import datetime
from pathlib import Path

import pytest

from scrapers.adapters import ADAPTERS, get_adapter
from scrapers.parse import parse_feed
from scrapers.types import DiaryCounts

DATA = Path(__file__).resolve().parent.parent / "data"
PLATFORMS = ["dailykos", "scoop", "soapblox"]


def expected(platform):
    return json.loads((DATA / platform / "expected.json").read_text(encoding="utf-8"))


PAGES = [(platform, name, want) for platform in PLATFORMS
         for name, want in expected(platform)["pages"].items()]


@pytest.mark.parametrize("platform, name, want", PAGES,
                         ids=[f"{p}/{n}" for p, n, _ in PAGES])
def test_counts_from_saved_diary_pages(platform, name, want):
    html = (DATA / platform / name).read_bytes()
    counts = get_adapter(platform).parse_counts(html, want["url"] or "http://x/")
    assert counts == DiaryCounts(want["recommends"], want["comments"], want["author"])


@pytest.mark.parametrize("platform", PLATFORMS)
def test_rec_list_from_saved_page(platform):
    spec = expected(platform)["rec_list"]
    html = (DATA / platform / spec["file"]).read_bytes()
    items = get_adapter(platform).parse_rec_list(html, spec["base_url"])
    assert [(i.url, i.title, i.recommends) for i in items] == \
        [(i["url"], i["title"], i["recommends"]) for i in spec["items"]]
    assert len(items) >= 3


@pytest.mark.parametrize("platform", PLATFORMS)
def test_saved_feed_entries(platform):
    spec = expected(platform)["feed"]
    body = (DATA / platform / spec["file"]).read_bytes()
    parsed = parse_feed(body, {"Content-Type": "application/rss+xml; charset=utf-8"},
                        spec["url"], get_adapter(platform))
    assert parsed.error is None and not parsed.bozo
    assert len(parsed.entries) == spec["count"]
    first = parsed.entries[0]
    want = spec["first"]
    assert first.url == want["url"]
    assert first.title == want["title"]
    assert first.author == want["author"]
    assert list(first.tags) == want["tags"]
    assert first.published_at == datetime.fromisoformat(want["published_at"])
    assert "<p>" in first.summary_html and "rel=\"noopener noreferrer nofollow\"" in \
        first.summary_html
    assert len({e.guid for e in parsed.entries}) == len(parsed.entries)


def test_pages_without_the_markup_show_no_counts():
    for platform in PLATFORMS + ["generic"]:
        counts = get_adapter(platform).parse_counts(b"<html><body><p>Comments (4) and "
                                                    b"Recommended by 9</p></body></html>",
                                                    "http://x/")
        assert counts.recommends is None and counts.comments is None, platform


def test_counts_ignore_the_sidebar():
    html = (DATA / "soapblox" / "story-one-recommend.html").read_bytes()
    assert b"Comments (3) on the calendar" in html  # the decoy is there ...
    assert get_adapter("soapblox").parse_counts(html, "http://x/").comments == 0  # ... unused


@pytest.mark.parametrize("platform, url, canonical", [
    ("soapblox", "http://www.calitics.com/showDiary.do;jsessionid=3F2A9C?diaryId=4197"
                 "&from=rss&utm_source=x#comments",
     "http://www.calitics.com/showDiary.do?diaryId=4197"),
    ("soapblox", "HTTP://WWW.Calitics.com:80/showTag.do?tag=health&utm_medium=rss",
     "http://www.calitics.com/showTag.do?tag=health"),
    ("dailykos", "https://www.dailykos.com/stories/2023/5/12/2168412/-Title?detail=emaildkre"
                 "&utm_source=feed#comment-1",
     "https://www.dailykos.com/stories/2023/5/12/2168412/-Title"),
    ("scoop", "http://www.mydd.com/story/2007/6/29/91522/2365?source=rss#commenttop",
     "http://www.mydd.com/story/2007/6/29/91522/2365"),
    ("generic", "https://blog.example.org/?p=123&utm_campaign=x&fbclid=abc#more",
     "https://blog.example.org/?p=123"),
])
def test_canonical_urls(platform, url, canonical):
    assert get_adapter(platform).canonical(url) == canonical


def test_daily_kos_tag_feed_tags_its_items():
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
            b'<title>x</title><link>https://www.dailykos.com/stories/2007/6/29/1/-x</link>'
            b'</item></channel></rss>')
    adapter = get_adapter("dailykos")
    tag_feed = "https://www.dailykos.com/rss/tag:Single%20Payer.xml"
    assert parse_feed(body, {}, tag_feed, adapter).entries[0].tags == ("Single Payer",)
    community = "https://www.dailykos.com/rss/tag:Community.xml"
    assert parse_feed(body, {}, community, adapter).entries[0].tags == ()


def test_registry_and_default_feeds():
    assert set(ADAPTERS) == {"scoop", "dailykos", "soapblox", "generic"}
    with pytest.raises(ValueError, match="unknown platform 'blogger'"):
        get_adapter("blogger")
    assert get_adapter("dailykos").default_feeds("https://www.dailykos.com")[0] == \
        ("https://www.dailykos.com/rss/tag:Community.xml", "diaries")
    assert get_adapter("scoop").default_feeds("http://www.mydd.com/")[0] == \
        ("http://www.mydd.com/backend.rss", "diaries")
    assert get_adapter("soapblox").default_feeds("http://www.calitics.com/")[0] == \
        ("http://www.calitics.com/rss.xml", "diaries")
    assert get_adapter("soapblox").rec_list_url("http://www.calitics.com/") == \
        "http://www.calitics.com/showRecommended.do"
    assert get_adapter("generic").rec_list_url("http://x/") is None
