"""Sessions that end: logout, password change, "log out other sessions", deactivation."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from tests.conftest import csrf_from, make_config

RIGHT = "correct horse battery"


def log_in(client, user, password=RIGHT):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    res = client.post("/login", data={"email": user.email, "password": password,
                                      "csrf_token": token})
    assert res.status_code == 302
    return res


def form_token(client) -> str:
    return csrf_from(client.get("/profile/").get_data(as_text=True))


def replay(app, saved_cookie: str):
    """A new browser carrying a copy of a session cookie saved earlier."""
    thief = app.test_client()
    thief.set_cookie("session", saved_cookie)
    return thief.get("/profile/")


def goes_to_login(res) -> bool:
    return res.status_code == 302 and "/login" in res.headers["Location"]


def test_saved_cookie_gets_the_login_page_after_logout(app, make_user):
    client = app.test_client()
    log_in(client, make_user())
    saved = client.get_cookie("session").value
    assert replay(app, saved).status_code == 200  # the copy works while logged in
    client.post("/logout", data={"csrf_token": form_token(client)})
    assert goes_to_login(replay(app, saved))


def test_saved_cookie_gets_the_login_page_after_password_change_elsewhere(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, user)
    log_in(phone, user)
    saved = laptop.get_cookie("session").value
    res = phone.post("/profile/password", data={
        "current_password": RIGHT, "new_password": "a brand new password",
        "confirm": "a brand new password", "csrf_token": form_token(phone)})
    assert res.status_code == 303
    assert goes_to_login(replay(app, saved))
    assert goes_to_login(laptop.get("/profile/"))
    assert phone.get("/profile/").status_code == 200  # the one that changed it stays in


def test_log_out_other_sessions_keeps_this_one(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, user)
    log_in(phone, user)
    page = phone.get("/profile/").get_data(as_text=True)
    assert "Log out other sessions" in page
    assert phone.post("/profile/sessions/end-others").status_code == 400  # CSRF needed
    res = phone.post("/profile/sessions/end-others", data={"csrf_token": form_token(phone)})
    assert res.status_code == 303
    assert goes_to_login(laptop.get("/profile/"))
    assert phone.get("/profile/").status_code == 200


def test_deactivation_ends_sessions_for_good(app, make_user, db_session):
    from app.accounts import users as user_service

    user = make_user()
    client = app.test_client()
    log_in(client, user)
    saved = client.get_cookie("session").value
    user_service.set_active(db_session, user, False)
    user_service.set_active(db_session, user, True)
    # Reactivated, but the sessions from before the deactivation stay ended.
    assert goes_to_login(replay(app, saved))


def test_login_gives_a_fresh_session_and_csrf_token(app, make_user):
    client = app.test_client()
    before = csrf_from(client.get("/login").get_data(as_text=True))
    planted = client.get_cookie("session").value
    client.post("/login", data={"email": make_user().email, "password": RIGHT,
                                "csrf_token": before})
    assert client.get_cookie("session").value != planted
    # The token from before login (which someone could have planted) no longer passes.
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    assert client.get("/profile/").status_code == 200


@pytest.mark.parametrize("days", [14, 3])
def test_session_cookie_lasts_the_configured_days(tmp_path, session_factory, make_user, days):
    from app import create_app

    overrides = {} if days == 14 else {"SESSION_LIFETIME_DAYS": days}
    app = create_app(make_config(tmp_path, **overrides), session_factory)
    res = log_in(app.test_client(), make_user())
    cookie = next(c for c in res.headers.getlist("Set-Cookie") if c.startswith("session="))
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    expected = datetime.now(UTC) + timedelta(days=days)
    assert abs(expires - expected) < timedelta(hours=1)
