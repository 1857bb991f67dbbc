"""Unknown is not zero: a count we could not read shows as "—" on Boost today, the diary
page and the digest, and as null in the API — never as 0."""

from dataclasses import replace

from selectolax.lexbor import LexborHTMLParser

from app import clock
from app.accounts.users import issue_api_token
from app.digest.render import Recipient, render
from tests import factories
from tests.dashboard.conftest import NOW
from tests.dashboard.test_dashboard_api import api  # noqa: F401 - the checked API fixture
from tests.digest.seed import sample_digest
from tests.factories import hours

DASH = "\u2014"


def _stock_scoop_diary(db_session, world):
    """A diary on a platform that shows comments but no recommend count."""
    diary = factories.make_diary(db_session, world.mydd, title="Single payer: no recs shown",
                                 published_at=NOW - hours(0.5))
    factories.make_metric(db_session, diary, at=NOW - hours(0.1), recommends=None,
                          comments=1)
    return diary


def test_boost_today_and_the_diary_page_show_a_dash(app, client, login, world, db_session):
    with app.app_context():
        clock.pin(NOW)
    diary = _stock_scoop_diary(db_session, world)
    login(world.blogger)
    tree = LexborHTMLParser(client.get("/boost/").get_data(as_text=True))
    row = tree.css_first(f"#diary-{diary.id}")
    assert [n.text() for n in row.css(".stat-num")] == [DASH, "1"]
    page = client.get(f"/diaries/{diary.id}").get_data(as_text=True)
    assert f"{DASH} recs · 1 comment<" in page


def test_the_api_says_null(api, db_session, world):  # noqa: F811
    diary = _stock_scoop_diary(db_session, world)
    token = issue_api_token(db_session, world.blogger)
    body = api("GET", f"/diaries/{diary.id}", token, template="/diaries/{diary_id}").get_json()
    assert body["recommends"] is None and body["comments"] == 1
    assert body["metrics"][-1]["recommends"] is None
    listed = api("GET", "/boost", token).get_json()
    [item] = [d for d in listed["diaries"] if d["id"] == diary.id]
    assert item["recommends"] is None


def test_the_digest_shows_a_dash():
    week = sample_digest()
    top = replace(week.made[0], recommends=None, comments=None)
    week = replace(week, made=(top, *week.made[1:]))
    out = render(week, Recipient(7, "Alice", "alice@example.org", "America/Los_Angeles",
                                 False, "https://boost.example.org/digest/unsubscribe/t"))
    assert f"{DASH} recs" in out.text
    assert f"{DASH} recs" in out.html
