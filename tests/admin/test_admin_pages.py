"""The Sources, Topic rules and Team pages through the Flask test client."""

import io

import pytest
from sqlalchemy import select

from models import Feed, Site, TopicRule
from tests.conftest import csrf_from
from tests.factories import T0, make_action


@pytest.fixture
def admin(make_user, login):
    user = make_user(role="admin", display_name="Ada Admin")
    login(user)
    return user


def _token(client, path="/admin/sources/"):
    return csrf_from(client.get(path).get_data(as_text=True))


@pytest.mark.parametrize("role, path, status", [
    ("blogger", "/admin/sources/", 403),
    ("blogger", "/admin/topics/", 403),
    ("blogger", "/team/", 403),
    ("coordinator", "/admin/sources/", 403),
    ("coordinator", "/admin/topics/", 403),
    ("coordinator", "/team/", 200),
    ("admin", "/admin/sources/", 200),
    ("admin", "/admin/topics/", 200),
])
def test_roles(client, make_user, login, role, path, status):
    login(make_user(role=role))
    assert client.get(path).status_code == status


def test_anonymous_is_sent_to_login(client):
    res = client.get("/admin/sources/")
    assert res.status_code == 302 and "/login" in res.headers["Location"]


def test_blogger_cannot_post_to_admin_actions(client, make_user, login, make_feed):
    feed = make_feed()
    login(make_user(role="coordinator"))
    token = csrf_from(client.get("/team/").get_data(as_text=True))
    res = client.post(f"/admin/sources/feeds/{feed.id}/enabled",
                      data={"csrf_token": token, "enabled": "0"})
    assert res.status_code == 403 and feed.enabled


def test_post_without_csrf_token_is_refused(client, admin, make_site, db_session):
    site = make_site(rec_slots=8)
    res = client.post(f"/admin/sources/sites/{site.id}/settings", data={"rec_slots": "3"})
    assert res.status_code == 400 and "security token" in res.get_data(as_text=True)
    db_session.refresh(site)
    assert site.rec_slots == 8


def test_sources_page_shows_feed_health_and_flags_failing(client, admin, make_site, make_feed):
    site = make_site(name="Calitics <CA>")
    make_feed(site, url="https://calitics.example/ok.xml", last_polled_at=T0, last_status=200)
    make_feed(site, url="https://calitics.example/bad.xml", error_count=6, last_status=500,
              last_error="HTTP 500 <Internal>", last_polled_at=T0)
    make_feed(site, url="https://calitics.example/off.xml", enabled=False,
              disabled_reason="410 Gone")
    html = client.get("/admin/sources/").get_data(as_text=True)
    assert "Calitics &lt;CA&gt;" in html
    assert 'class="feed-failing"' in html and "FAILING (6 consecutive errors)" in html
    assert "HTTP 500 &lt;Internal&gt;" in html
    assert "disabled: 410 Gone" in html


def test_change_settings_and_add_feed(client, admin, make_site, db_session):
    site = make_site(slug="mydd", rec_slots=8)
    token = _token(client)
    res = client.post(f"/admin/sources/sites/{site.id}/settings", follow_redirects=True, data={
        "csrf_token": token, "rec_slots": "5", "rec_half_life_hours": "3",
        "rec_fallback_threshold": "12", "rec_window_hours": "24", "comment_target": "4",
        "crosspost_window_hours": "36", "enabled": "1"})
    assert res.status_code == 200 and "Saved settings" in res.get_data(as_text=True)
    db_session.refresh(site)
    assert (site.rec_slots, site.rec_half_life_hours, site.comment_target) == (5, 3.0, 4)
    res = client.post("/admin/sources/feeds", follow_redirects=True, data={
        "csrf_token": token, "site": "mydd", "url": "https://mydd.example/rss", "kind": "tag"})
    html = res.get_data(as_text=True)
    assert "Subscribed to https://mydd.example/rss" in html
    assert 'href="https://mydd.example/rss"' in html
    feed = db_session.scalar(select(Feed).where(Feed.url == "https://mydd.example/rss"))
    assert feed.kind == "tag" and feed.site_id == site.id


def test_bad_settings_value_is_400_naming_the_field(client, admin, make_site, db_session):
    site = make_site(rec_slots=8)
    res = client.post(f"/admin/sources/sites/{site.id}/settings", data={
        "csrf_token": _token(client), "rec_slots": "0", "rec_half_life_hours": "2",
        "rec_fallback_threshold": "10", "rec_window_hours": "24", "comment_target": "5",
        "crosspost_window_hours": "48"})
    assert res.status_code == 400
    assert "Rec list slots must be at least 1" in res.get_data(as_text=True)
    db_session.refresh(site)
    assert site.rec_slots == 8 and site.enabled


@pytest.mark.parametrize("url, status, message", [
    ("javascript:alert(1)", 400, "must start with http:// or https://"),
    ("https://dup.example/feed", 409, "already subscribed"),
])
def test_add_feed_errors(client, admin, make_site, make_feed, url, status, message):
    site = make_site(slug="dk")
    make_feed(site, url="https://dup.example/feed")
    res = client.post("/admin/sources/feeds", data={"csrf_token": _token(client),
                                                     "site": "dk", "url": url})
    assert res.status_code == status and message in res.get_data(as_text=True)


def test_disable_and_enable_feed(client, admin, make_feed, db_session):
    feed = make_feed(error_count=3)
    token = _token(client)
    client.post(f"/admin/sources/feeds/{feed.id}/enabled",
                data={"csrf_token": token, "enabled": "0", "reason": "spam"})
    db_session.refresh(feed)
    assert not feed.enabled and feed.disabled_reason == "spam"
    res = client.post(f"/admin/sources/feeds/{feed.id}/enabled", follow_redirects=True,
                      data={"csrf_token": token, "enabled": "1"})
    assert "enabled and due now" in res.get_data(as_text=True)
    db_session.refresh(feed)
    assert feed.enabled and feed.error_count == 0


def test_add_site_form(client, admin, db_session):
    res = client.post("/admin/sources/sites", follow_redirects=True, data={
        "csrf_token": _token(client), "slug": "new-blog", "name": "New Blog",
        "base_url": "https://new.example", "platform": "generic"})
    assert "Added site New Blog" in res.get_data(as_text=True)
    assert db_session.scalar(select(Site).where(Site.slug == "new-blog")) is not None
    res = client.post("/admin/sources/sites", data={
        "csrf_token": _token(client), "slug": "Bad Slug", "name": "X",
        "base_url": "https://x.example", "platform": "generic"})
    assert res.status_code == 400 and "Slug" in res.get_data(as_text=True)


def test_opml_upload_and_export(client, admin, make_site, db_session):
    make_site(slug="dk")
    doc = (b'<?xml version="1.0"?><opml version="2.0"><body>'
           b'<outline text="a" xmlUrl="https://a.example/feed"/></body></opml>')
    res = client.post("/admin/sources/opml", follow_redirects=True, data={
        "csrf_token": _token(client), "site": "dk",
        "opml": (io.BytesIO(doc), "subs.opml")}, content_type="multipart/form-data")
    assert "OPML: imported 1 feed" in res.get_data(as_text=True)
    res = client.post("/admin/sources/opml", data={
        "csrf_token": _token(client), "site": "dk",
        "opml": (io.BytesIO(doc[:-10]), "broken.opml")}, content_type="multipart/form-data")
    assert res.status_code == 400 and "not well-formed XML" in res.get_data(as_text=True)
    export = client.get("/admin/sources/opml")
    assert export.status_code == 200
    assert "attachment" in export.headers["Content-Disposition"]
    assert b'xmlUrl="https://a.example/feed"' in export.data


def test_topic_test_box_shows_matches(client, admin, db_session):
    db_session.add(TopicRule(phrase="single payer", weight=3.0, field="any"))
    db_session.flush()
    token = _token(client, "/admin/topics/")
    res = client.post("/admin/topics/test", data={
        "csrf_token": token, "title": "Single payer now", "tags": "", "body": ""})
    html = res.get_data(as_text=True)
    assert res.status_code == 200 and 'class="term">single payer<' in html
    assert 'class="topic-score">' in html and 'class="topic-score">0<' not in html


def test_an_ambiguous_rule_scores_only_next_to_a_health_care_term(client, admin, db_session):
    db_session.add(TopicRule(phrase="single payer", weight=3.0, field="any"))
    db_session.flush()
    token = _token(client, "/admin/topics/")
    client.post("/admin/topics/", data={"csrf_token": token, "phrase": "Moore",
                                        "weight": "1", "field": "any", "needs_context": "1"})
    rule = db_session.scalar(select(TopicRule).where(TopicRule.phrase == "Moore"))
    assert rule.needs_context

    def tested(title):
        return client.post("/admin/topics/test", data={"csrf_token": token, "title": title,
                                                       "tags": "", "body": ""}).get_data(
            as_text=True)

    assert 'class="term">Moore<' not in tested("Moore on guns")
    assert 'class="term">Moore<' in tested("Moore on single payer")
    client.post(f"/admin/topics/{rule.id}", data={"csrf_token": token, "phrase": "Moore",
                                                  "weight": "1", "field": "any",
                                                  "context_shown": "1"})
    db_session.refresh(rule)
    assert not rule.needs_context
    assert 'class="term">Moore<' in tested("Moore on guns")


def test_topic_rule_validation_errors_on_page(client, admin):
    token = _token(client, "/admin/topics/")
    res = client.post("/admin/topics/", data={"csrf_token": token, "phrase": " ",
                                              "weight": "1", "field": "any"})
    assert res.status_code == 400 and "Phrase must not be empty" in res.get_data(as_text=True)
    res = client.post("/admin/topics/", data={"csrf_token": token, "phrase": "x",
                                              "weight": "500", "field": "any"})
    assert res.status_code == 400 and "between -100 and 100" in res.get_data(as_text=True)


def test_team_page_shows_this_week(client, make_user, login, make_diary, db_session, app):
    from app import clock

    coord = make_user(role="coordinator", display_name="Cora")
    doer = make_user(display_name="Dee Doer")
    make_user(display_name="Idle Ida")
    make_action(db_session, doer, make_diary(), "recommend", at=T0)
    with app.app_context():
        clock.pin(T0)
    login(coord)
    html = client.get("/team/").get_data(as_text=True)
    assert "2026-W47" in html and "Mon 16 – Sun 22 Nov 2026" in html
    assert "Dee Doer" in html and "Idle Ida" in html
    assert 'heat heat-4' in html
    previous = client.get("/team/?week=2026-W46").get_data(as_text=True)
    assert "Mon 09 – Sun 15 Nov 2026" in previous and "Nobody has logged" in previous
