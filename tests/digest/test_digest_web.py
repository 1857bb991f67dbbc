"""/digest/preview for coordinators and admins; the unsubscribe link without logging in."""

from __future__ import annotations

from datetime import timedelta

from app import clock
from app.digest.send import send_week
from app.digest.tokens import make_token
from tests.conftest import TEST_SECRET
from tests.digest.seed import SEND_AT, WEEK, seed_week


def _pin(app, when):
    with app.app_context():
        clock.pin(when)


def test_preview_defaults_to_last_week_for_coordinators(app, client, login, db_session,
                                                        make_user):
    seed_week(db_session)
    _pin(app, SEND_AT + timedelta(hours=1))
    login(make_user(role="coordinator"))
    page = client.get("/digest/preview")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Weekly digest · 2026-W47" in body
    assert "2 made the rec list" in body and "Single payer in California" in body
    assert "Deliveries" not in body  # admins only
    frame = client.get("/digest/preview/email?week=2026-W47")
    assert frame.status_code == 200
    assert "style-src 'unsafe-inline'" in frame.headers["Content-Security-Policy"]
    assert "script-src" not in frame.headers["Content-Security-Policy"]
    assert "Medicare for all: the vote count" in frame.get_data(as_text=True)


def test_bloggers_get_403(client, login, make_user):
    login(make_user(role="blogger"))
    assert client.get("/digest/preview?week=2026-W47").status_code == 403
    assert client.get("/digest/preview/email?week=2026-W47").status_code == 403


def test_bad_week_is_explained(client, login, make_user):
    login(make_user(role="coordinator"))
    page = client.get("/digest/preview?week=47")
    assert page.status_code == 400
    assert "week must look like 2026-W47" in page.get_data(as_text=True)


def test_admins_see_each_delivery_with_its_error(app, client, login, db_session,
                                                 session_factory, mail_config, smtp_server):
    inbox, _ = smtp_server
    s = seed_week(db_session)
    inbox.refuse_next = 1
    send_week(mail_config, session_factory, WEEK, SEND_AT)
    _pin(app, SEND_AT + timedelta(hours=1))
    login(s.admin)
    body = client.get(f"/digest/preview?week={WEEK}").get_data(as_text=True)
    assert "Deliveries" in body and "alice@example.org" in body
    assert body.count(">sent<") == 2 and body.count(">pending<") == 1
    assert "451" in body


def test_unsubscribe_link_works_without_login(client, db_session, make_user):
    user = make_user(email="reader@example.org")
    url = f"/digest/unsubscribe/{make_token(TEST_SECRET, user.id)}"
    page = client.get(url)
    assert page.status_code == 200 and "Stop the weekly digest?" in page.get_data(as_text=True)
    assert user.digest_opt_in is True  # a GET (link scanners) changes nothing
    done = client.post(url)  # the confirm button: no login, no CSRF token needed
    assert done.status_code == 200 and "You are unsubscribed" in done.get_data(as_text=True)
    db_session.refresh(user)
    assert user.digest_opt_in is False


def test_one_click_unsubscribe_from_a_mail_client(client, db_session, make_user):
    user = make_user()
    response = client.post(f"/digest/unsubscribe/{make_token(TEST_SECRET, user.id)}",
                           data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    db_session.refresh(user)
    assert user.digest_opt_in is False


def test_forged_unsubscribe_tokens_are_refused(client, db_session, make_user):
    user = make_user()
    forged = make_token("some-other-secret-key-1234", user.id)
    assert client.post(f"/digest/unsubscribe/{forged}").status_code == 404
    assert client.get("/digest/unsubscribe/not-a-token").status_code == 404
    db_session.refresh(user)
    assert user.digest_opt_in is True
