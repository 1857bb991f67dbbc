"""The count scraper stays home: a diary page is fetched only on its own site's hosts.

A diarist controls the link of their feed item; the count job must not become a way to
make the poller fetch any URL they like every minute (issue 10). The fetcher may reach
both simulated hosts here, so only the rule under test can stop the fetch.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from models import Diary, Feed, Site
from scrapers.counts import due_diaries, refresh_counts
from scrapers.fetch import Fetcher
from scrapers.poll import poll_feed
from scrapers.types import FetchSettings
from sim import BlogNetwork
from tests.intake.conftest import SIM_START


@pytest.fixture
def two_hosts():
    net = BlogNetwork(seed=1, start=SIM_START)
    home, elsewhere = net.start_many(["127.0.0.1", "127.0.0.2"])
    yield net, home, elsewhere
    net.stop()


def _fetcher(home: str, elsewhere: str) -> Fetcher:
    allowed = frozenset((url.removeprefix("http://").rsplit(":", 1)[0],
                         int(url.rsplit(":", 1)[1])) for url in (home, elsewhere))
    return Fetcher(FetchSettings(host_min_gap=0.0, private_allowlist=allowed,
                                 connect_timeout=2.0, read_timeout=2.0, deadline=5.0))


def _feed_linking(net: BlogNetwork, home: str, elsewhere: str) -> str:
    """A Daily Kos feed whose newest item links the same story path on another host."""
    net.advance(60)
    diary = net.diaries("dailykos")[-1]
    own = net.diary_url("dailykos", diary)
    foreign = own.replace(home, elsewhere)
    body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            f"<item><title>Single payer now</title><link>{foreign}</link>"
            f"<guid>{foreign}</guid><pubDate>Fri, 29 Jun 2007 16:50:00 GMT</pubDate>"
            f"</item></channel></rss>").encode()
    return net.serve_file("/feeds/foreign.xml", body,
                          {"Content-Type": "application/rss+xml"})


def test_a_feed_item_linking_another_host_is_stored_but_never_fetched(
        db_session, session_factory, two_hosts):
    net, home, elsewhere = two_hosts
    site = Site(slug="sim-dailykos", name="Sim Daily Kos", platform="dailykos",
                base_url=home + "/dailykos")
    db_session.add(site)
    db_session.flush()
    feed = Feed(site_id=site.id, url=_feed_linking(net, home, elsewhere),
                next_poll_at=net.now)
    db_session.add(feed)
    db_session.flush()
    with _fetcher(home, elsewhere) as fetcher:
        assert poll_feed(session_factory, feed.id, net.now, fetcher).new_count == 1
        [diary] = db_session.scalars(select(Diary).where(Diary.site_id == site.id)).all()
        assert diary.url.startswith(elsewhere)  # stored as the feed gave it
        net.clear_log()
        with session_factory() as session:
            due = due_diaries(session, net.now + timedelta(minutes=5), timedelta(minutes=5))
        assert diary.id in due
        refresh_counts(session_factory, due, net.now, fetcher)
    assert [r.path for r in net.request_log if "127.0.0.2" in r.host] == []
    db_session.expire_all()
    assert db_session.get(Diary, diary.id).recommends is None


def test_hosts_an_admin_lists_for_the_site_are_home(db_session, session_factory, two_hosts):
    net, home, elsewhere = two_hosts
    site = Site(slug="sim-dailykos", name="Sim Daily Kos", platform="dailykos",
                base_url=home + "/dailykos", extra_hosts="127.0.0.2")
    db_session.add(site)
    db_session.flush()
    feed = Feed(site_id=site.id, url=_feed_linking(net, home, elsewhere),
                next_poll_at=net.now)
    db_session.add(feed)
    db_session.flush()
    with _fetcher(home, elsewhere) as fetcher:
        poll_feed(session_factory, feed.id, net.now, fetcher)
        [diary] = db_session.scalars(select(Diary).where(Diary.site_id == site.id)).all()
        net.clear_log()
        assert refresh_counts(session_factory, [diary.id], net.now, fetcher) == 1
    assert [r for r in net.request_log if "127.0.0.2" in r.host]
    db_session.expire_all()
    assert db_session.get(Diary, diary.id).recommends is not None
