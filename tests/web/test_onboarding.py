"""First run and passwords by link: the one-time set-up page, invitations through a real
SMTP server (aiosmtpd), links that work once and expire, forgot password, and the link
to copy when mail cannot be sent."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app import clock, create_app
from app.cli.server import first_run_hint
from app.team import invites
from models import User
from tests.conftest import TEST_SECRET, csrf_from, make_config
from tests.factories import PASSWORD, T0
from tests.smtp import free_port

NEW_PASSWORD = "a brand new passphrase"


def _pin(app, when=T0):
    with app.app_context():
        clock.pin(when)


def _link_in(message) -> str:
    [url] = re.findall(r"https?://\S+/password/\S+", message.get_content())
    return url.split("://", 1)[1].split("/", 1)[1]  # the path, for the test client


def _choose_password(client, path, password=NEW_PASSWORD):
    page = client.get("/" + path.lstrip("/"))
    if page.status_code != 200:
        return page
    return client.post("/" + path.lstrip("/"), data={
        "password": password, "confirm": password,
        "csrf_token": csrf_from(page.get_data(as_text=True))})


def _log_in(client, email, password):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token})


# First run ------------------------------------------------------------------------

def test_the_console_says_how_to_make_the_first_admin_until_one_exists(
        config, session_factory, make_user):
    env = SimpleNamespace(config=config, sessions=session_factory)
    hint = first_run_hint(env, "https://boost.example.org/")
    assert "No users yet" in hint and "run.py users create" in hint
    assert f"https://boost.example.org/setup?token={invites.setup_token(TEST_SECRET)}" in hint
    make_user()
    assert first_run_hint(env, "https://boost.example.org") is None


def test_the_setup_page_works_once_with_the_console_token_then_is_gone(
        client, db_session):
    login_page = client.get("/login").get_data(as_text=True)
    assert "No accounts yet" in login_page and "/setup" in login_page
    explained = client.get("/setup").get_data(as_text=True)
    assert "printed on the console" in explained and 'name="password"' not in explained

    token = invites.setup_token(TEST_SECRET)
    form = {"email": "Ada@Example.org", "display_name": "Ada", "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD}
    page = client.get(f"/setup?token={token}").get_data(as_text=True)
    wrong = client.post("/setup", data={**form, "token": "guessed",
                                        "csrf_token": csrf_from(page)})
    assert wrong.status_code == 403 and db_session.scalars(select(User)).all() == []

    done = client.post("/setup", data={**form, "token": token, "csrf_token": csrf_from(page)})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    [admin] = db_session.scalars(select(User)).all()
    assert (admin.email, admin.role) == ("ada@example.org", "admin")
    assert _log_in(client, "ada@example.org", NEW_PASSWORD).status_code == 302

    assert client.get(f"/setup?token={token}").status_code == 404
    # Logging in gave a new CSRF token (no fixation): take it from a page of this session.
    fresh = csrf_from(client.get("/profile/").get_data(as_text=True))
    again = client.post("/setup", data={**form, "email": "eve@example.org", "token": token,
                                        "csrf_token": fresh})
    assert again.status_code == 404 and len(db_session.scalars(select(User)).all()) == 1


# Invitations ------------------------------------------------------------------------

@pytest.fixture
def mail_app(mail_config, session_factory):
    app = create_app(mail_config, session_factory)
    _pin(app)
    return app


def _invite(client, email="bea@example.org", role="coordinator"):
    token = csrf_from(client.get("/admin/users/").get_data(as_text=True))
    return client.post("/admin/invite", data={"email": email, "display_name": "Bea",
                                              "role": role, "csrf_token": token})


def test_an_invited_teammate_sets_a_password_from_the_emailed_link_once(
        mail_app, make_user, db_session, smtp_server):
    inbox, _ = smtp_server
    admin = make_user(role="admin", display_name="Ada Admin")
    client = mail_app.test_client()
    _log_in(client, admin.email, PASSWORD)
    response = _invite(client)
    assert response.status_code == 302
    assert "Invitation emailed to bea@example.org" in client.get("/admin/users/").get_data(
        as_text=True)
    [mail] = inbox.to("bea@example.org")
    assert mail["Subject"] == "You're invited to diaryboost"
    assert "Ada Admin invited you" in mail.get_content()
    path = _link_in(mail)
    assert mail.get_content().count("http://127.0.0.1:5000/password/invite/") == 1

    invited = client.__class__(mail_app)  # the teammate's own browser
    assert _log_in(invited, "bea@example.org", NEW_PASSWORD).status_code == 401
    assert _choose_password(invited, path).headers["Location"] == "/login"
    assert _log_in(invited, "bea@example.org", NEW_PASSWORD).status_code == 302
    bea = db_session.scalars(select(User).where(User.email == "bea@example.org")).one()
    assert bea.role == "coordinator"

    used = client.__class__(mail_app).get("/" + path)
    assert used.status_code == 410
    assert "already used" in used.get_data(as_text=True)


def test_an_invitation_link_expires_after_seven_days(db_session, make_user):
    admin = make_user(role="admin")
    bea = invites.invite(db_session, by=admin, email="bea@example.org", display_name="Bea",
                         role="blogger", timezone="America/Los_Angeles")
    link = invites.make_link("https://boost.example", TEST_SECRET, bea, "invite", T0)
    token = link.url.rsplit("/", 1)[1]
    assert invites.read_link(db_session, TEST_SECRET, "invite", token,
                             T0 + timedelta(days=6, hours=23)) == bea
    with pytest.raises(invites.LinkError, match="expired"):
        invites.use_link(db_session, TEST_SECRET, "invite", token, NEW_PASSWORD, NEW_PASSWORD,
                         T0 + timedelta(days=7, minutes=1))
    # Neither a reset token nor a tampered one passes as an invitation.
    with pytest.raises(invites.LinkError, match="not valid"):
        invites.read_link(db_session, TEST_SECRET, "reset", token, T0)
    with pytest.raises(invites.LinkError, match="not valid"):
        invites.read_link(db_session, TEST_SECRET, "invite", token[:-2] + "xx", T0)


def test_without_a_mail_server_the_admin_gets_a_one_time_link_to_copy(
        tmp_path, session_factory, make_user, db_session):
    # Nothing listens on that port: a fresh install with no mail server.
    config = make_config(tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(),
                         SMTP_TIMEOUT=2.0, BASE_URL="https://boost.example.org")
    app = create_app(config, session_factory)
    _pin(app)
    client = app.test_client()
    admin = make_user(role="admin")
    _log_in(client, admin.email, PASSWORD)
    response = _invite(client, email="cal@example.org")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Invitation not emailed" in html
    [url] = re.findall(r'value="(https://boost\.example\.org/password/invite/[^"]+)"', html)
    assert _choose_password(app.test_client(), url.split(".org", 1)[1]).status_code == 302
    assert _log_in(app.test_client(), "cal@example.org", NEW_PASSWORD).status_code == 302


# Forgot password ------------------------------------------------------------------------

def test_forgot_password_mails_a_reset_link_and_tells_nobody_who_has_an_account(
        mail_app, make_user, smtp_server):
    inbox, _ = smtp_server
    make_user(email="dee@example.org")
    client = mail_app.test_client()
    answers = []
    for email in ("dee@example.org", "nobody@example.org"):
        page = client.get("/forgot").get_data(as_text=True)
        answers.append(client.post("/forgot", data={"email": email,
                                                    "csrf_token": csrf_from(page)},
                                   follow_redirects=True).get_data(as_text=True))
    assert all("If that address has an account" in a for a in answers)
    assert [m["To"] for m in inbox.messages] == ["dee@example.org"]
    path = _link_in(inbox.messages[0])
    assert path.startswith("password/reset/")
    assert _choose_password(client, path).status_code == 302
    assert _log_in(mail_app.test_client(), "dee@example.org", NEW_PASSWORD).status_code == 302
    assert _log_in(mail_app.test_client(), "dee@example.org", PASSWORD).status_code == 401
    assert _choose_password(client, path, "yet another passphrase").status_code == 410


def test_public_base_url_builds_the_links(tmp_path):
    config = make_config(tmp_path)
    assert config.BASE_URL == "http://127.0.0.1:5000"
    from config import Config

    env = {"INSTANCE_PATH": str(tmp_path / "i"), "SECRET_KEY": TEST_SECRET,
           "PUBLIC_BASE_URL": "https://boost.example.org/"}
    assert Config.from_env(env).BASE_URL == "https://boost.example.org"
