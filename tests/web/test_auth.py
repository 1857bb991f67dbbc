"""Logging in, roles, CSRF and throttling, through the real pages."""

import pytest

from tests.conftest import csrf_from


def test_login_page_renders_with_csrf_token(client):
    res = client.get("/login")
    assert res.status_code == 200
    assert "Log in" in res.get_data(as_text=True)
    assert csrf_from(res.get_data(as_text=True))


def test_admin_created_can_log_in_and_reach_admin_page(client, make_user, login):
    admin = make_user(role="admin")
    res = login(admin)
    assert res.status_code == 302
    page = client.get("/admin/users/")
    assert page.status_code == 200
    assert admin.email in page.get_data(as_text=True)


def test_wrong_password_is_refused(client, make_user, login):
    user = make_user()
    res = login(user, password="wrong password!")
    assert res.status_code == 401
    assert "Wrong email or password" in res.get_data(as_text=True)
    assert client.get("/admin/users/").status_code == 302  # still logged out


def test_unknown_email_gets_same_answer(client, login):
    class Ghost:
        email = "ghost@example.org"

    res = login(Ghost())
    assert res.status_code == 401


def test_post_without_csrf_token_is_refused(client, make_user):
    user = make_user()
    res = client.post("/login", data={"email": user.email, "password": "correct horse battery"})
    assert res.status_code == 400
    assert "security token" in res.get_data(as_text=True)


@pytest.mark.parametrize(("role", "status"), [("blogger", 403), ("coordinator", 403),
                                               ("admin", 200)])
def test_admin_pages_need_admin_role(client, make_user, login, role, status):
    login(make_user(role=role))
    assert client.get("/admin/users/").status_code == status


def test_anonymous_is_sent_to_login(client):
    res = client.get("/admin/users/")
    assert res.status_code == 302 and "/login" in res.headers["Location"]


def test_deactivated_user_cannot_log_in(client, make_user, login):
    user = make_user(active=False)
    assert login(user).status_code == 401


def test_five_wrong_passwords_make_that_client_wait(app, client, make_user, login):
    from datetime import UTC, datetime

    from app import clock

    user = make_user()
    with app.app_context():
        clock.pin(datetime(2026, 11, 30, 12, 0, tzinfo=UTC))  # the wait runs on this clock
    for _ in range(5):
        assert login(user, password="not the password").status_code == 401
    # Locked now, even with the right password.
    res = login(user)
    assert res.status_code == 429
    assert "Too many attempts" in res.get_data(as_text=True)


def test_successful_logins_are_not_throttled(client, make_user, login):
    user = make_user()
    for _ in range(7):
        assert login(user).status_code == 302
        token = csrf_from(client.get("/welcome").get_data(as_text=True))
        client.post("/logout", data={"csrf_token": token})


def test_open_redirect_after_login_is_ignored(client, make_user):
    user = make_user()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    res = client.post("/login?next=//evil.example/x", data={
        "email": user.email, "password": "correct horse battery", "csrf_token": token})
    assert res.status_code == 302
    assert "evil.example" not in res.headers["Location"]


def test_logout_needs_post_with_csrf(client, make_user, login):
    login(make_user())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    token = csrf_from(client.get("/welcome").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/welcome").status_code == 302


def test_admin_creates_user_and_changes_role(client, make_user, login, db_session):
    from models import User

    login(make_user(role="admin"))
    token = csrf_from(client.get("/admin/users/").get_data(as_text=True))
    res = client.post("/admin/users/", data={
        "email": "New@Example.org", "display_name": "New", "password": "a long password",
        "role": "blogger", "csrf_token": token})
    assert res.status_code == 302
    new = db_session.query(User).filter_by(email="new@example.org").one()
    assert new.password_hash.startswith("$argon2")
    client.post(f"/admin/users/{new.id}/role", data={"role": "coordinator", "csrf_token": token})
    db_session.refresh(new)
    assert new.role == "coordinator"


def test_duplicate_email_is_a_clear_error(client, make_user, login):
    existing = make_user()
    login(make_user(role="admin"))
    token = csrf_from(client.get("/admin/users/").get_data(as_text=True))
    res = client.post("/admin/users/", data={
        "email": existing.email, "password": "a long password", "role": "blogger",
        "csrf_token": token})
    assert res.status_code == 409
    assert "already exists" in res.get_data(as_text=True)
