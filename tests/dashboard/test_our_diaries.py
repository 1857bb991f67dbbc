"""Our own diaries: usernames on the profile, the "ours" badge on Boost today, the diary
page and the API, and the team's "Give our own diaries priority" setting."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from app.boost import our_diaries
from app.errors import ValidationError
from models import Setting, SiteAccount
from tests import factories
from tests.conftest import csrf_from
from tests.dashboard.test_dashboard_api import api, token  # noqa: F401 (fixtures)
from tests.dashboard.test_dashboard_pages import _pin


def _accounts(db_session, user):
    db_session.expire_all()  # the app wrote through its own session
    return [(a.site.slug, a.username) for a in our_diaries.accounts_of(db_session, user)]


def _csrf(client, path="/profile/"):
    return csrf_from(client.get(path).get_data(as_text=True))


def test_usernames_are_saved_corrected_and_removed(client, login, world, db_session):
    login(world.blogger)
    res = client.post("/profile/accounts", data={"csrf_token": _csrf(client),
                                                 "site_id": world.dk.id, "username": " kosak "})
    assert res.status_code == 303
    assert _accounts(db_session, world.blogger) == [("dailykos", "kosak")]
    page = client.get("/profile/").get_data(as_text=True)
    assert "Username saved" in page
    account = our_diaries.accounts_of(db_session, world.blogger)[0]
    client.post(f"/profile/accounts/{account.id}", data={"csrf_token": _csrf(client),
                                                         "username": "Kosak2"})
    assert _accounts(db_session, world.blogger) == [("dailykos", "Kosak2")]
    client.post(f"/profile/accounts/{account.id}/remove", data={"csrf_token": _csrf(client)})
    assert _accounts(db_session, world.blogger) == []


def test_a_name_a_teammate_holds_is_refused_whatever_its_case(client, login, world,
                                                              db_session):
    mate = factories.make_user(db_session, display_name="Kim Kos")
    our_diaries.add_account(db_session, mate, site_id=world.dk.id, username="Kosak")
    mine = our_diaries.add_account(db_session, world.blogger, site_id=world.mydd.id,
                                   username="bea")
    login(world.blogger)
    res = client.post("/profile/accounts", data={"csrf_token": _csrf(client),
                                                 "site_id": world.dk.id, "username": "KOSAK"})
    html = res.get_data(as_text=True)
    assert res.status_code == 400
    assert "That username on Daily Kos is already recorded by Kim Kos" in html
    # What was typed comes back in the form; nothing stored was lost.
    field = LexborHTMLParser(html).css_first("#account-username")
    assert field.attributes["value"] == "KOSAK"
    assert _accounts(db_session, world.blogger) == [("mydd", "bea")]
    assert _accounts(db_session, mate) == [("dailykos", "Kosak")]
    # Renaming into a teammate's name is refused the same way, the old name kept.
    res = client.post(f"/profile/accounts/{mine.id}", data={"csrf_token": _csrf(client),
                                                            "username": ""})
    assert res.status_code == 400 and "Enter your username" in res.get_data(as_text=True)
    assert _accounts(db_session, world.blogger) == [("mydd", "bea")]


@pytest.mark.parametrize(("site", "name", "message"), [
    ("dk", "   ", "Enter your username"),
    ("dk", "x" * 201, "at most 200 characters"),
    ("dk", "bad\nname", "control characters"),
    ("nowhere", "kosak", "Choose one of the sites"),
])
def test_bad_usernames_are_refused_with_a_reason(db_session, world, site, name, message):
    site_id = world.dk.id if site == "dk" else "999999"
    with pytest.raises(ValidationError, match=message):
        our_diaries.add_account(db_session, world.blogger, site_id=site_id, username=name)
    assert db_session.query(SiteAccount).count() == 0


def test_a_teammates_username_cannot_be_changed_or_removed_by_others(client, login, world,
                                                                     db_session):
    mate = factories.make_user(db_session)
    theirs = our_diaries.add_account(db_session, mate, site_id=world.dk.id, username="kosak")
    login(world.blogger)
    for path in (f"/profile/accounts/{theirs.id}", f"/profile/accounts/{theirs.id}/remove"):
        res = client.post(path, data={"csrf_token": _csrf(client), "username": "mine"})
        assert res.status_code == 404
    assert _accounts(db_session, mate) == [("dailykos", "kosak")]


def test_profile_username_forms_need_the_csrf_token(client, login, world, db_session):
    login(world.blogger)
    res = client.post("/profile/accounts", data={"site_id": world.dk.id, "username": "kosak"})
    assert res.status_code == 400
    assert _accounts(db_session, world.blogger) == []


def test_ours_badge_on_boost_today_the_diary_page_and_the_api(app, client, login, world,
                                                              db_session, api, token):  # noqa: F811
    # "Single payer now" on Daily Kos is by "kosak": Bea writes there as "Kosak".
    our_diaries.add_account(db_session, world.blogger, site_id=world.dk.id, username="Kosak")
    _pin(app)
    login(world.blogger)
    tree = LexborHTMLParser(client.get("/boost/").get_data(as_text=True))
    badges = {row.attributes["id"]: row.css_first(".badge-ours")
              for row in tree.css(".boost-row")}
    assert badges[f"diary-{world.rising.id}"].text(strip=True) == "ours · Bea Blogger"
    assert all(b is None for key, b in badges.items() if key != f"diary-{world.rising.id}")
    page = LexborHTMLParser(client.get(f"/diaries/{world.rising.id}").get_data(as_text=True))
    assert page.css_first(".badge-ours").text(strip=True) == "ours · Bea Blogger"
    other = LexborHTMLParser(client.get(f"/diaries/{world.fresh.id}").get_data(as_text=True))
    assert other.css_first(".badge-ours") is None
    body = api("GET", "/boost", token).get_json()
    rows = {d["id"]: d for d in body["diaries"]}
    assert rows[world.rising.id]["ours"] is True
    assert rows[world.rising.id]["ours_by"] == "Bea Blogger"
    assert rows[world.fresh.id]["ours"] is False and rows[world.fresh.id]["ours_by"] is None


def test_the_team_setting_is_for_coordinators_and_needs_csrf(client, login, world,
                                                             db_session):
    login(world.blogger)
    assert client.post("/team/settings", data={"csrf_token": _csrf(client),
                                                "prefer_ours": "on"}).status_code == 403
    assert our_diaries.prefer_ours(db_session) is False
    coordinator = factories.make_user(db_session, role="coordinator")
    client.post("/logout", data={"csrf_token": _csrf(client)})
    login(coordinator)
    assert client.post("/team/settings", data={"prefer_ours": "on"}).status_code == 400
    assert our_diaries.prefer_ours(db_session) is False
    res = client.post("/team/settings", data={"csrf_token": _csrf(client, "/team/"),
                                              "prefer_ours": "on"})
    assert res.status_code == 303
    assert our_diaries.prefer_ours(db_session) is True
    assert db_session.get(Setting, "prefer_ours").updated_by == coordinator.id
    box = LexborHTMLParser(client.get("/team/").get_data(as_text=True)).css_first(
        'input[name="prefer_ours"]')
    assert "checked" in box.attributes
    client.post("/team/settings", data={"csrf_token": _csrf(client, "/team/")})
    assert our_diaries.prefer_ours(db_session) is False


def test_only_active_teammates_diaries_are_ours(db_session, world):
    gone = factories.make_user(db_session, active=False)
    our_diaries.add_account(db_session, gone, site_id=world.dk.id, username="kosak")
    assert our_diaries.diary_owners(db_session, [world.rising]) == {}
