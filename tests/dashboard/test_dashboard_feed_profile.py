"""The personal Atom feed (parsed with feedparser) and the profile page."""

import feedparser
from selectolax.lexbor import LexborHTMLParser

from app import clock
from app.accounts.tokens import token_digest
from app.accounts.users import user_for_api_token
from tests import factories
from tests.conftest import csrf_from
from tests.dashboard.conftest import NOW
from tests.factories import hours


def test_atom_feed_lists_top_diaries_with_reasons(app, client, world, make_diary, db_session):
    with app.app_context():
        clock.pin(NOW)
    bold = make_diary(world.dk, title="<b>Bold & brash</b>", url="javascript:alert(1)",
                      published_at=NOW - hours(0.5))
    factories.make_metric(db_session, bold, at=NOW - hours(0.1))
    res = client.get(f"/feeds/{world.blogger.feed_secret}/boost.atom")
    assert res.status_code == 200 and res.mimetype == "application/atom+xml"
    feed = feedparser.parse(res.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "diaryboost: Boost today"
    titles = [e.title for e in feed.entries]
    assert titles[0] == "[Daily Kos] Single payer now"
    assert "[Daily Kos] <b>Bold & brash</b>" in titles  # text, escaped in the XML
    rising = feed.entries[0]
    assert rising.link == world.rising.url
    assert "needs ~6 more; 1 of you online" in rising.summary
    hostile = next(e for e in feed.entries if "brash" in e.title)
    assert all(not link.href.startswith("javascript") for link in hostile.links)


def test_atom_feed_wrong_secret_is_404(client, world):
    assert client.get("/feeds/wrong-secret/boost.atom").status_code == 404


def _form_token(client):
    return csrf_from(client.get("/profile/").get_data(as_text=True))


def test_profile_preferences_validate_timezone(client, login, world, db_session):
    login(world.blogger)
    token = _form_token(client)
    bad = client.post("/profile/preferences", data={"csrf_token": token,
                                                    "timezone": "Mars/Olympus_Mons",
                                                    "shift_reminder_minutes": "30"})
    assert bad.status_code == 400 and "Unknown time zone" in bad.get_data(as_text=True)
    assert world.blogger.timezone == "America/Los_Angeles"
    ok = client.post("/profile/preferences", data={"csrf_token": token,
                                                   "timezone": "America/New_York",
                                                   "shift_reminder_minutes": "30"})
    assert ok.status_code == 303
    db_session.refresh(world.blogger)
    assert world.blogger.timezone == "America/New_York"
    assert world.blogger.shift_reminder_minutes == 30
    assert world.blogger.digest_opt_in is False  # checkbox left unticked
    neg = client.post("/profile/preferences", data={"csrf_token": token,
                                                    "timezone": "America/New_York",
                                                    "shift_reminder_minutes": "-5"})
    assert neg.status_code == 400


def test_api_token_shown_once_then_revoked(client, login, world, db_session):
    login(world.blogger)
    res = client.post("/profile/token", data={"csrf_token": _form_token(client)})
    node = LexborHTMLParser(res.get_data(as_text=True)).css_first("#new-token")
    token = node.text(strip=True)
    assert user_for_api_token(db_session, token).id == world.blogger.id
    db_session.refresh(world.blogger)
    assert world.blogger.api_token_hash == token_digest(token)
    assert token not in client.get("/profile/").get_data(as_text=True)
    assert client.get("/api/v1/boost", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 200
    client.post("/profile/token/revoke", data={"csrf_token": _form_token(client)})
    assert client.get("/api/v1/boost", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 401


def test_change_password_needs_current_one(client, login, world):
    login(world.blogger)
    token = _form_token(client)
    wrong = client.post("/profile/password", data={"csrf_token": token,
                                                   "current_password": "nope",
                                                   "new_password": "a brand new secret",
                                                   "confirm": "a brand new secret"})
    assert wrong.status_code == 403
    ok = client.post("/profile/password", data={"csrf_token": token,
                                                "current_password": "correct horse battery",
                                                "new_password": "a brand new secret",
                                                "confirm": "a brand new secret"})
    assert ok.status_code == 303
    client.post("/logout", data={"csrf_token": _form_token(client)})
    assert login(world.blogger).status_code == 401
    assert login(world.blogger, password="a brand new secret").status_code == 302


def test_rotate_secret_revokes_old_feed_url(client, login, world):
    old = world.blogger.feed_secret
    login(world.blogger)
    assert client.get(f"/feeds/{old}/boost.atom").status_code == 200
    made = client.post("/profile/secret/rotate", data={"csrf_token": _form_token(client)})
    assert client.get(f"/feeds/{old}/boost.atom").status_code == 404
    new_url = LexborHTMLParser(made.get_data(as_text=True)).css_first(
        "#atom-url").text(strip=True)
    assert old not in new_url
    assert client.get(new_url.replace("http://localhost", "")).status_code == 200


def test_profile_forms_need_csrf(client, login, world):
    login(world.blogger)
    assert client.post("/profile/token").status_code == 400


def test_atom_updated_moves_only_when_an_entrys_need_changes(app, client, world, make_metric):
    """Readers flag entries whose <updated> moved: a re-fetch with new counts but the same
    needs must not make every diary look changed (issue 14)."""

    def fetch(at):
        with app.app_context():
            clock.pin(at)
        feed = feedparser.parse(client.get(f"/feeds/{world.blogger.feed_secret}/boost.atom").data)
        return feed, {e.title: e.updated for e in feed.entries}

    first_feed, first = fetch(NOW)
    assert first["[Daily Kos] Single payer now"] == "2026-11-17T19:00:00Z"
    later = NOW + hours(0.1)
    make_metric(world.rising, at=later, recommends=6, comments=3)  # counts move, needs do not
    second_feed, second = fetch(later)
    assert second == first
    assert second_feed.feed.updated == first_feed.feed.updated
    # Enough comments: the rising diary now needs recs only, so its entry is updated.
    make_metric(world.rising, at=later + hours(0.05), recommends=6, comments=40)
    _, third = fetch(later + hours(0.05))
    assert third["[Daily Kos] Single payer now"] == "2026-11-17T19:09:00Z"
    assert third["[MyDD] SiCKO screening tonight"] == first["[MyDD] SiCKO screening tonight"]
