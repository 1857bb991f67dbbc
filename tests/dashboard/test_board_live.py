"""Boost today that lives: the page's poll answers 304 when nothing moved and the new rows
when something did; the board says how fresh it is, what is failing, and tells an empty
"no data" from "all good"."""

from app import clock
from tests.dashboard.conftest import NOW
from tests.factories import hours


def _pin(app, when=NOW):
    with app.app_context():
        clock.pin(when)


def test_the_poll_is_304_until_a_new_diary_arrives_then_returns_it(
        app, client, login, world, make_diary, make_metric, db_session):
    _pin(app)
    login(world.blogger)
    db_session.commit()  # the world as the poll committed it (a page view commits too)
    first = client.get("/boost/live")
    assert first.status_code == 200 and first.headers["ETag"]
    # Rows come with their group headings, each keyed by its element id.
    diary_rows = [row for row in first.get_json()["rows"] if row["key"].startswith("diary-")]
    ids = [row["id"] for row in diary_rows]
    assert ids[0] == world.rising.id and world.offtopic.id not in ids
    assert f'id="diary-{world.rising.id}"' in diary_rows[0]["html"]
    assert all(row["key"].startswith(("diary-", "group-")) for row in first.get_json()["rows"])
    again = client.get("/boost/live", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""

    new = make_diary(world.dk, title="Breaking: single payer bill filed",
                     published_at=NOW - hours(0.1), last_seen_at=NOW)
    make_metric(new, at=NOW, recommends=2, comments=0)
    changed = client.get("/boost/live", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert new.id in [row.get("id") for row in changed.get_json()["rows"]]


def test_the_board_says_how_fresh_it_is_and_what_is_failing(
        app, client, login, world, make_feed):
    _pin(app)
    make_feed(world.mydd, error_count=6, last_error="HTTP 503", last_polled_at=NOW)
    login(world.blogger)
    html = " ".join(client.get("/boost/").get_data(as_text=True).split())
    assert "How it works: open the diary on its blog" in html
    assert "Counts as of:" in html and "Daily Kos" in html and "0 min ago" in html
    assert "MyDD: its feeds cannot be read right now (HTTP 503)" in html
    body = client.get("/boost/live").get_json()
    assert any("MyDD" in p for p in body["problems"])
    assert [s["name"] for s in body["sites"]] == ["Calitics", "Daily Kos", "MyDD"]


def test_an_empty_board_tells_no_data_from_all_good(app, client, login, make_user,
                                                   make_site, make_diary, make_metric):
    _pin(app)
    login(make_user())
    html = client.get("/boost/").get_data(as_text=True)
    assert "No diaries yet" in html and "This is not \"all done\"" in html
    site = make_site(name="Daily Kos")
    # A young diary that needs nothing: well past the bar and the comment target.
    old = make_diary(site, published_at=NOW - hours(40), last_seen_at=NOW)
    make_metric(old, at=NOW, recommends=900, comments=500)
    html = client.get("/boost/").get_data(as_text=True)
    assert "All good: nothing needs a boost right now" in html
