"""The admin pages wired to intake: "poll now" against the simulated blogs, and rule
changes re-tagging stored diaries."""

from datetime import UTC, datetime

import pytest

from app import create_app
from models import Diary, TopicRule
from tests.conftest import csrf_from, make_config
from tests.factories import PASSWORD

SIM_START = datetime(2007, 6, 29, 16, tzinfo=UTC)


@pytest.fixture
def network():
    from sim import BlogNetwork

    net = BlogNetwork(seed=3, start=SIM_START)
    net.start()
    yield net
    net.stop()


def _login(client, user):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": user.email, "password": PASSWORD,
                                "csrf_token": token})


def test_poll_now_button_polls_the_feed_and_flashes_the_outcome(
        tmp_path, session_factory, network, make_user, make_site, make_feed, db_session):
    host, port = network.url("/").split("//")[1].split("/")[0].split(":")
    config = make_config(tmp_path, PRIVATE_ADDRESS_ALLOWLIST=frozenset({(host, int(port))}),
                         HOST_MIN_GAP=0.0)
    app = create_app(config, session_factory)
    client = app.test_client()
    site = make_site(slug="dailykos", platform="dailykos",
                     base_url=network.site_url("dailykos").rstrip("/"))
    feed = make_feed(site, url=network.url("/dailykos/rss/tag:Community.xml"))
    _login(client, make_user(role="admin"))
    token = csrf_from(client.get("/admin/sources/").get_data(as_text=True))
    res = client.post(f"/admin/sources/feeds/{feed.id}/poll", data={"csrf_token": token},
                      follow_redirects=True)
    html = res.get_data(as_text=True)
    assert res.status_code == 200
    assert f"Polled feed {feed.id}: ok, HTTP 200" in html, html[html.find("flash"):][:300]
    db_session.refresh(feed)
    assert feed.last_status == 200 and feed.last_polled_at is not None
    assert db_session.query(Diary).filter_by(site_id=site.id).count() > 0
    res = client.post("/admin/sources/feeds/99999/poll", data={"csrf_token": token})
    assert res.status_code == 404


def test_rule_change_retags_stored_diaries(client, login, make_user, make_diary, db_session):
    diary = make_diary(title="Why SiCKO matters", topic_score=0.0, topic_terms=[])
    make_diary(title="Baseball tonight", topic_score=0.0, topic_terms=[])
    login(make_user(role="admin"))
    token = csrf_from(client.get("/admin/topics/").get_data(as_text=True))
    res = client.post("/admin/topics/", follow_redirects=True, data={
        "csrf_token": token, "phrase": "SiCKO", "weight": "3", "field": "title"})
    html = res.get_data(as_text=True)
    assert "Added rule “SiCKO”" in html and "Re-tagged diaries: 1 changed." in html
    db_session.refresh(diary)
    assert diary.topic_score > 0 and diary.topic_terms == ["SiCKO"]
    rule = db_session.query(TopicRule).filter_by(phrase="SiCKO").one()
    res = client.post(f"/admin/topics/{rule.id}/enabled", follow_redirects=True,
                      data={"csrf_token": token, "enabled": "0"})
    assert "Rule “SiCKO” disabled. Re-tagged diaries: 1 changed." in res.get_data(as_text=True)
    db_session.refresh(diary)
    assert diary.topic_score == 0 and diary.topic_terms == []
    res = client.post(f"/admin/topics/{rule.id}", follow_redirects=True, data={
        "csrf_token": token, "phrase": "sicko matters", "weight": "2.5", "field": "any"})
    assert "Saved rule “sicko matters”" in res.get_data(as_text=True)
    db_session.refresh(rule)
    assert (rule.phrase, rule.weight, rule.field) == ("sicko matters", 2.5, "any")
