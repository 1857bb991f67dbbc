"""The set-up, invitation and reset flows held to the rules of the log-in page: pages that
carry a token or one-time link are never cached, setting a password from a link starts
a fresh session, and reset mails cannot be used to flood someone's inbox."""

import pytest

from app import create_app
from app.digest.tokens import make_token
from app.team import invites
from tests.conftest import TEST_SECRET, csrf_from, make_config
from tests.factories import T0
from tests.smtp import free_port
from tests.web.test_onboarding import (  # noqa: F401 - mail_app is a fixture
    NEW_PASSWORD,
    _choose_password,
    _invite,
    _log_in,
    _pin,
    mail_app,
)


def _reset_path(user) -> str:
    link = invites.make_link("http://127.0.0.1:5000", TEST_SECRET, user, "reset", T0)
    return link.url.split("5000", 1)[1]


@pytest.fixture
def pinned(app):
    _pin(app)
    return app


def test_pages_carrying_a_token_or_a_one_time_link_are_never_stored(
        pinned, client, make_user):
    setup = client.get(f"/setup?token={invites.setup_token(TEST_SECRET)}")  # no users yet
    assert setup.status_code == 200 and setup.headers.get("Cache-Control") == "no-store"
    user = make_user()
    for path in (_reset_path(user),
                 f"/digest/unsubscribe/{make_token(TEST_SECRET, user.id)}"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert page.headers.get("Cache-Control") == "no-store", path
    # Pages whose address is no secret keep the browser's usual caching.
    assert "Cache-Control" not in client.get("/login").headers


def test_the_admins_link_to_copy_is_never_stored(tmp_path, session_factory, make_user):
    # Nothing listens on that port: the invitation cannot be mailed, the page shows the link.
    config = make_config(tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(),
                         SMTP_TIMEOUT=2.0)
    app = create_app(config, session_factory)
    _pin(app)
    client = app.test_client()
    admin = make_user(role="admin")
    _log_in(client, admin.email, "correct horse battery")
    response = _invite(client, email="cal@example.org")
    assert "/password/invite/" in response.get_data(as_text=True)
    assert response.headers.get("Cache-Control") == "no-store"


def test_a_password_set_from_a_link_starts_a_fresh_session(pinned, client, make_user):
    # An admin tries a teammate's reset link in their own browser.
    admin, teammate = make_user(role="admin"), make_user()
    assert _log_in(client, admin.email, "correct horse battery").status_code == 302
    before = csrf_from(client.get("/profile/").get_data(as_text=True))

    done = _choose_password(client, _reset_path(teammate))
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    # The log-in page is shown (not the admin's home), with a new CSRF token.
    page = client.get("/login")
    assert page.status_code == 200
    assert csrf_from(page.get_data(as_text=True)) != before
    assert client.get("/profile/").status_code == 302


def test_setup_starts_a_fresh_session(client, db_session):
    token = invites.setup_token(TEST_SECRET)
    page = client.get(f"/setup?token={token}").get_data(as_text=True)
    planted = csrf_from(page)
    done = client.post("/setup", data={"email": "ada@example.org", "display_name": "Ada",
                                       "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                       "token": token, "csrf_token": planted})
    assert done.status_code == 302
    assert csrf_from(client.get("/login").get_data(as_text=True)) != planted


def _ask_reset(client, email, address):
    page = client.get("/forgot", environ_base={"REMOTE_ADDR": address})
    return client.post("/forgot", data={"email": email,
                                        "csrf_token": csrf_from(page.get_data(as_text=True))},
                       environ_base={"REMOTE_ADDR": address}, follow_redirects=True)


def test_reset_requests_from_many_addresses_cannot_flood_an_inbox(
        mail_app, make_user, smtp_server):  # noqa: F811 - the imported fixture
    inbox, _ = smtp_server
    make_user(email="dee@example.org")
    client = mail_app.test_client()
    answers = [_ask_reset(client, "dee@example.org", f"198.51.100.{n}") for n in range(1, 7)]
    # Every asker gets the same answer (it tells nobody who has an account)...
    assert all("If that address has an account" in a.get_data(as_text=True) for a in answers)
    # ...but the account's inbox gets three links an hour, however many addresses ask.
    assert len(inbox.to("dee@example.org")) == 3


def test_guessing_the_setup_token_is_rate_limited(client):
    answers = [client.get(f"/setup?token=guess{n}").status_code for n in range(21)]
    assert answers[:20] == [200] * 20 and answers[20] == 429
