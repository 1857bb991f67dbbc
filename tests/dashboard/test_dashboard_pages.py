"""Boost today, the diary page and action posts through the Flask client."""

from selectolax.lexbor import LexborHTMLParser

from app import clock
from models import Action
from tests import factories
from tests.conftest import csrf_from
from tests.dashboard.conftest import NOW
from tests.factories import hours


def _pin(app, when=NOW):
    with app.app_context():
        clock.pin(when)


def _titles(html):
    return [n.text(strip=True) for n in LexborHTMLParser(html).css(".boost-row .row-title")]


def test_home_redirects_to_boost_today_with_ranked_rows(app, client, login, world):
    _pin(app)
    login(world.blogger)
    assert client.get("/").headers["Location"].endswith("/boost/")
    res = client.get("/boost/")
    html = res.get_data(as_text=True)
    assert res.status_code == 200
    assert _titles(html) == ["Single payer now", "Medicare for all, a primer",
                             "SiCKO screening tonight"]
    assert "needs ~6 more; 1 of you online" in html
    assert "Baseball thread" not in html and "Old news" not in html
    tree = LexborHTMLParser(html)
    link = tree.css_first(f"#diary-{world.rising.id} .row-title a")
    assert link.attributes["href"] == world.rising.url
    assert link.attributes["rel"] == "noopener noreferrer"
    assert tree.css_first(f"#diary-{world.rising.id} svg.spark polyline") is not None


def test_filters_by_site_and_need_without_js(app, client, login, world):
    _pin(app)
    login(world.blogger)
    assert _titles(client.get("/boost/?site=mydd").get_data(as_text=True)) == [
        "SiCKO screening tonight"]
    assert _titles(client.get("/boost/?need=comment").get_data(as_text=True)) == [
        "Single payer now", "Medicare for all, a primer"]
    # A bad filter is explained above the whole list, not an error page.
    assert client.get("/boost/?site=nowhere").headers["Location"] == "/boost/"


def test_hostile_title_and_link_show_as_text(app, client, login, world, make_diary,
                                             db_session):
    _pin(app)
    hostile = make_diary(world.dk, title="<script>alert(1)</script>", url="javascript:alert(1)",
                         published_at=NOW - hours(0.5))
    # Counts read once (a diary whose counts were never read has no known need).
    factories.make_metric(db_session, hostile, at=NOW - hours(0.1))
    login(world.blogger)
    html = client.get("/boost/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:" not in html


def test_plain_form_post_logs_and_redirects_back_with_flash(app, client, login, world,
                                                            db_session):
    _pin(app)
    login(world.blogger)
    token = csrf_from(client.get("/boost/").get_data(as_text=True))
    data = {"csrf_token": token, "kind": "recommend", "next": "/boost/?site=dailykos"}
    res = client.post(f"/diaries/{world.rising.id}/actions", data=data)
    assert res.status_code == 303 and res.headers["Location"] == "/boost/?site=dailykos"
    page = client.get("/boost/?site=dailykos").get_data(as_text=True)
    assert "Logged: you recommended this diary" in page
    row = LexborHTMLParser(page).css_first(f"#diary-{world.rising.id}")
    assert "✓ Recommended" in row.text() and "1 teammate acted" in row.text()
    # A repeat is a friendly no-op, and an outside "next" does not redirect away.
    data["next"] = "https://evil.example/"
    res = client.post(f"/diaries/{world.rising.id}/actions", data=data)
    assert res.headers["Location"] == "/boost/"
    assert "Already logged" in client.get("/boost/").get_data(as_text=True)
    assert db_session.query(Action).count() == 1


def test_fetch_post_returns_the_row_to_swap(app, client, login, world):
    _pin(app)
    login(world.blogger)
    token = csrf_from(client.get("/boost/").get_data(as_text=True))
    res = client.post(f"/diaries/{world.star.id}/actions",
                      data={"csrf_token": token, "kind": "crosspost", "target_site": "dailykos",
                            "url": "https://www.dailykos.com/story/sicko"},
                      headers={"X-Requested-With": "fetch"})
    assert res.status_code == 200 and res.headers["X-Boost-Row"] == "1"
    row = LexborHTMLParser(res.get_data(as_text=True)).css_first("li.boost-row")
    assert row.attributes["id"] == f"diary-{world.star.id}"
    assert "✓ Cross-posted" in row.text()
    assert "cross-post to Calitics within" in row.text() and "Daily Kos" not in \
        row.css_first(".needs").text()
    bad = client.post(f"/diaries/{world.star.id}/actions",
                      data={"csrf_token": token, "kind": "crosspost", "target_site": "calitics",
                            "url": "javascript:alert(1)"},
                      headers={"X-Requested-With": "fetch"})
    assert bad.status_code == 400
    assert "http:// or https://" in bad.get_data(as_text=True)


def test_action_post_needs_csrf_token(app, client, login, world):
    _pin(app)
    login(world.blogger)
    res = client.post(f"/diaries/{world.rising.id}/actions", data={"kind": "recommend"})
    assert res.status_code == 400


def test_diary_page_shows_chart_breakdown_terms_copies_and_actions(app, client, login, world,
                                                                   db_session, make_diary):
    _pin(app)
    copy = make_diary(world.dk, title="SiCKO screening (DK copy)", crosspost_group_id=world.star.id,
                      published_at=NOW - hours(1))
    world.star.crosspost_group_id = world.star.id
    world.star.summary_html = "<p>Come <strong>see</strong> it</p>"
    factories.make_action(db_session, world.blogger, world.star, "comment", at=NOW - hours(1))
    db_session.flush()
    login(world.blogger)
    res = client.get(f"/diaries/{world.star.id}")
    html = res.get_data(as_text=True)
    tree = LexborHTMLParser(html)
    assert res.status_code == 200
    assert tree.css_first("svg.chart polyline.line-rec") is not None
    assert "Recommend score" in html and "Rec-list bar" in html
    assert "cross-post to Calitics within" in html  # the DK copy covers Daily Kos
    assert "single payer" in tree.css_first(".terms").text()
    assert copy.title in tree.css_first("ul.plain").text()
    assert "Bea Blogger" in html and "commented" in html
    assert tree.css_first(".summary-body strong").text() == "see"


def test_diary_page_explains_no_need(app, client, login, world):
    _pin(app)
    login(world.blogger)
    html = client.get(f"/diaries/{world.old.id}").get_data(as_text=True)
    assert "No need right now" in html
    assert "older than the 24 h rec-list window" in html
    assert "not near the rec list, so not worth cross-posting yet" in html
    assert client.get("/diaries/999999").status_code == 404


def test_anonymous_is_sent_to_login(client):
    assert "/login" in client.get("/boost/").headers["Location"]


def test_shift_banner_shows_end_in_the_users_zone(app, client, login, world, db_session):
    from models import Shift, ShiftAssignment

    _pin(app)
    shift = Shift(site_id=world.mydd.id, starts_at=NOW - hours(1), ends_at=NOW + hours(2),
                  focus="crosspost")
    db_session.add(shift)
    db_session.flush()
    db_session.add(ShiftAssignment(shift_id=shift.id, user_id=world.blogger.id))
    world.blogger.timezone = "America/New_York"
    db_session.flush()
    login(world.blogger)
    html = client.get("/boost/").get_data(as_text=True)
    banner = LexborHTMLParser(html).css_first(".shift-banner").text(separator=" ", strip=True)
    # Ends 21:00 UTC, which is 16:00 in New York in November.
    assert "On shift for MyDD" in banner and "until 16:00" in banner
    assert _titles(html)[0] == "SiCKO screening tonight"


def test_times_on_the_diary_page_carry_their_zone(app, client, login, world, make_user):
    _pin(app)
    login(make_user(timezone="America/New_York"))
    html = client.get(f"/diaries/{world.rising.id}").get_data(as_text=True)
    assert "published Tue 17 Nov 13:00 EST" in html  # 18:00 UTC, read in New York
