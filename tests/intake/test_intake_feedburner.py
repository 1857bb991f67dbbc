"""FeedBurner redirect links without ``feedburner:origLink`` (Daily Kos's 2019 front-page
feed): resolved once through the guarded fetcher, on the site's hosts only, and stored
under the story's identity. A real redirect on 127.0.0.1; "localhost" plays the
FeedBurner host (feeds.dailykosmedia.com), so the site must list it to follow it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Diary, Feed, LinkResolution
from scrapers import poll
from scrapers.fetch import Fetcher
from scrapers.poll import poll_feed
from scrapers.types import FetchSettings
from tests.factories import T0
from tests.hostile import HostileServer, reply

STORY = "/story/2019/5/1/1234567/-Medicare-for-All-now?pm_campaign=front_page"
REDIRECT = "/~r/dailykos/index/~3/Xy12ab/-Medicare-for-All-now"


def rss(*items: tuple[str, str]) -> bytes:
    body = "".join(f"<item><title>{title}</title><link>{link}</link>"
                   "<description>health care</description></item>" for title, link in items)
    return (f"<?xml version='1.0'?><rss version='2.0'><channel><title>Daily Kos</title>"
            f"{body}</channel></rss>").encode()


@pytest.fixture
def server():
    with HostileServer() as hostile:
        hostile.route(REDIRECT, reply("302 Found", headers={"Location": hostile.url(STORY)}))
        hostile.route(STORY, reply(body=b"<html><title>story</title></html>",
                                   headers={"Content-Type": "text/html"}))
        yield hostile


@pytest.fixture
def fetcher(server):
    with Fetcher(FetchSettings(host_min_gap=0.0, private_allowlist=frozenset(
            {("127.0.0.1", server.port), ("::1", server.port)}), connect_timeout=2.0,
            read_timeout=2.0, deadline=5.0)) as fetching:
        yield fetching


def serve_feed(server, path: str, *items: tuple[str, str]) -> str:
    return server.route(path, reply(body=rss(*items),
                                    headers={"Content-Type": "application/rss+xml"}))


def redirect_link(server) -> str:
    return server.url(REDIRECT).replace("127.0.0.1", "localhost")


def test_a_redirect_link_is_resolved_once_and_is_the_same_diary_as_the_story_link(
        server, fetcher, make_site, make_feed, session_factory, db_session):
    site = make_site(base_url=server.url(""), platform="dailykos", extra_hosts="localhost")
    front = make_feed(site, url=serve_feed(server, "/front.xml",
                                           ("Medicare for All now", redirect_link(server))))
    community = make_feed(site, url=serve_feed(server, "/community.xml",
                                               ("Medicare for All now", server.url(STORY))))

    assert poll_feed(session_factory, front.id, T0, fetcher).new_count == 1
    assert poll_feed(session_factory, community.id, T0, fetcher).new_count == 0
    diary = db_session.scalars(select(Diary).where(Diary.site_id == site.id)).one()
    assert diary.guid == "story:1234567"
    assert diary.url == server.url("/stories/2019/5/1/1234567/-Medicare-for-All-now")
    assert server.hits[REDIRECT] == 1

    # The feed changes (an edited title): the remembered resolution is used, not a fetch.
    serve_feed(server, "/front.xml", ("Medicare for All, now!", redirect_link(server)))
    outcome = poll_feed(session_factory, front.id, T0, fetcher)
    assert (outcome.new_count, outcome.updated_count) == (0, 1)
    assert server.hits[REDIRECT] == 1
    assert db_session.scalars(select(Diary.title).where(Diary.site_id == site.id)).all() \
        == ["Medicare for All, now!"]


def test_a_redirect_off_the_sites_hosts_is_not_followed_until_an_admin_lists_the_host(
        server, fetcher, make_site, make_feed, session_factory, db_session):
    site = make_site(base_url=server.url(""), platform="dailykos")
    front = make_feed(site, url=serve_feed(server, "/front.xml",
                                           ("Medicare for All now", redirect_link(server))))

    outcome = poll_feed(session_factory, front.id, T0, fetcher)
    assert (outcome.outcome, outcome.new_count) == ("ok", 1)  # stored all the same
    assert REDIRECT not in server.hits
    assert db_session.scalar(select(LinkResolution.id)) is None

    site.extra_hosts = "localhost"
    db_session.flush()
    db_session.execute(Feed.__table__.update().values(body_hash=None))
    poll_feed(session_factory, front.id, T0, fetcher)
    rows = db_session.execute(select(Diary.guid, Diary.url)
                              .where(Diary.site_id == site.id)).all()
    assert rows == [("story:1234567",
                     server.url("/stories/2019/5/1/1234567/-Medicare-for-All-now"))]
    assert server.hits[REDIRECT] == 1


def test_one_poll_follows_a_bounded_number_of_redirect_links(
        server, fetcher, make_site, make_feed, session_factory, db_session, monkeypatch):
    monkeypatch.setattr(poll, "REDIRECTS_PER_POLL", 2)
    site = make_site(base_url=server.url(""), platform="dailykos", extra_hosts="localhost")
    items = []
    for n in (1, 2, 3):
        story = f"/story/2019/5/{n}/90000{n}/-Diary-{n}"
        server.route(f"/~r/dk/~3/t{n}/-Diary-{n}",
                     reply("302 Found", headers={"Location": server.url(story)}))
        server.route(story, reply(body=b"<html></html>"))
        items.append((f"Diary {n}", server.url(f"/~r/dk/~3/t{n}/-Diary-{n}")
                      .replace("127.0.0.1", "localhost")))
    front = make_feed(site, url=serve_feed(server, "/front.xml", *items))

    poll_feed(session_factory, front.id, T0, fetcher)
    guids = db_session.scalars(select(Diary.guid).where(Diary.site_id == site.id)).all()
    assert sorted(g.startswith("story:") for g in guids) == [False, True, True]

    serve_feed(server, "/front.xml", *items, ("Diary 4", server.url("/elsewhere")))
    poll_feed(session_factory, front.id, T0, fetcher)
    db_session.expire_all()
    guids = db_session.scalars(select(Diary.guid).where(Diary.site_id == site.id)).all()
    assert sorted(g for g in guids if g.startswith("story:")) == [
        "story:900001", "story:900002", "story:900003"]
    assert len(guids) == 4  # the third link's row was renamed, not copied
    assert [server.hits[f"/~r/dk/~3/t{n}/-Diary-{n}"] for n in (1, 2, 3)] == [1, 1, 1]
