"""The real Daily Kos page (../shared/data/real-dailykos) through the path a poll uses:
a feed item linking /story/…?pm_campaign=… and the page are one diary, and the count
refresh reads the page to the numbers a reader sees."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Diary, Feed, Site
from scrapers.adapters import get_adapter
from scrapers.counts import refresh_counts
from scrapers.pages import read_page
from scrapers.poll import poll_feed

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-dailykos" \
    / "story-2370437.html"
STORY = "2026/2/25/2370437/-Mamdani-and-AOC-prove-who-s-really-the-party-of-family-values"


@pytest.fixture
def real_page() -> bytes:
    if not REAL.is_file():
        pytest.skip(f"the real Daily Kos page is not here ({REAL}): it lives beside the "
                    "project in ../shared/data, which a user's clone does not have")
    return REAL.read_bytes()


def _item(link: str, title: str = "Mamdani and AOC prove who's really the party") -> str:
    return (f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
            "<pubDate>Wed, 25 Feb 2026 21:30:04 GMT</pubDate></item>")


def test_feed_item_and_real_page_are_one_diary_read_exactly(
        real_page, db_session, session_factory, network, fetcher):
    base = network.site_url("dailykos").rstrip("/")
    network.serve_file(f"/dailykos/stories/{STORY}", real_page,
                       {"Content-Type": "text/html; charset=utf-8"})
    site = Site(slug="sim-dailykos", name="Daily Kos", platform="dailykos", base_url=base)
    db_session.add(site)
    db_session.flush()
    pm = "?pm_campaign=blog&amp;pm_medium=rss&amp;pm_source="
    feeds = []
    for name, links in (("community", [f"{base}/story/{STORY}{pm}"]),
                        ("other", [f"{base}/stories/{STORY}?utm_source=x",
                                   f"{base}/storyonly/2026/2/25/2370437/-Other-slug"])):
        body = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                + "".join(_item(link) for link in links) + "</channel></rss>").encode()
        url = network.serve_file(f"/feeds/{name}.xml", body,
                                 {"Content-Type": "application/rss+xml"})
        feeds.append(Feed(site_id=site.id, url=url, next_poll_at=network.now))
    db_session.add_all(feeds)
    db_session.flush()
    for feed in feeds:
        assert poll_feed(session_factory, feed.id, network.now, fetcher).error is None
    db_session.expire_all()
    rows = db_session.scalars(select(Diary).where(Diary.site_id == site.id)).all()
    [diary] = rows
    assert diary.guid == "story:2370437"
    assert diary.url == f"{base}/stories/{STORY}"

    assert refresh_counts(session_factory, [diary.id], network.now, fetcher) == 1
    db_session.expire_all()
    diary = db_session.get(Diary, diary.id)
    assert (diary.recommends, diary.comments, diary.author) == (66, 21, "Alix Breeden")

    # The very hand-off the refresh used gives the page's tags and time too.
    counts = read_page(get_adapter("dailykos"), fetcher.fetch(diary.url).body, diary.url)
    assert counts.story_id == "2370437"
    assert counts.published_at == datetime(2026, 2, 25, 21, 30, 4, tzinfo=UTC)
    assert counts.tags == ("childcare", "DonaldTrump", "GavinNewsom", "ICE", "Immigration",
                           "ZohranMamdani", "AlexandriaOcasioCortez")
