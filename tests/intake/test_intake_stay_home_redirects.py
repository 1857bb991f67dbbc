"""Staying home includes redirects: a diary page on the site's own host that redirects
elsewhere must not make the poller (or an admin's rule preview) fetch the other host.
"localhost" and "127.0.0.1" reach the same hostile server here, so the fetcher's address
guard lets both through and only the host rule under test can stop the second request."""

from __future__ import annotations

import pytest

from app.errors import ValidationError
from app.sources import extraction
from scrapers.counts import refresh_counts
from scrapers.fetch import Fetcher
from scrapers.types import FetchSettings
from tests.factories import T0
from tests.hostile import HostileServer, reply


@pytest.fixture
def server():
    with HostileServer() as hostile:
        hostile.route("/diary/1", reply("302 Found", headers={
            "Location": hostile.url("/elsewhere").replace("127.0.0.1", "localhost")}))
        hostile.route("/elsewhere", reply(body=b"<html><span class='recommends'>9</span>",
                                          headers={"Content-Type": "text/html"}))
        yield hostile


@pytest.fixture
def fetcher(server):
    with Fetcher(FetchSettings(host_min_gap=0.0, private_allowlist=frozenset(
            {("127.0.0.1", server.port), ("::1", server.port)}), connect_timeout=2.0,
            read_timeout=2.0, deadline=5.0)) as fetching:
        yield fetching


def test_the_count_job_does_not_follow_a_redirect_off_the_site(
        server, fetcher, make_site, make_diary, session_factory, db_session):
    site = make_site(base_url=server.url("/"))
    diary = make_diary(site=site, url=server.url("/diary/1"))
    refresh_counts(session_factory, [diary.id], T0, fetcher)
    assert server.hits.get("/diary/1") == 1
    assert "/elsewhere" not in server.hits


def test_the_rule_preview_does_not_follow_a_redirect_off_the_site(
        server, fetcher, make_site, db_session):
    site = make_site(base_url=server.url("/"))
    with pytest.raises(ValidationError, match="off the site's hosts"):
        extraction.preview(db_session, site.id, server.url("/diary/1"), [], fetcher)
    assert "/elsewhere" not in server.hits
