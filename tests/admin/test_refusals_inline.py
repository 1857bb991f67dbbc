"""Refused actions and bad filters come back as a message on the page the user was on,
not as a bare "409 · Conflict" or "400 · ValidationError" error page."""

from models import User
from tests.conftest import csrf_from


def test_the_last_admin_demoting_themselves_gets_a_message_on_the_users_page(
        client, login, make_user, db_session):
    admin = make_user(role="admin", display_name="Ada Admin")
    login(admin)
    token = csrf_from(client.get("/admin/users/").get_data(as_text=True))
    response = client.post(f"/admin/users/{admin.id}/role",
                           data={"role": "blogger", "csrf_token": token},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.request.path == "/admin/users/"
    assert "At least one active admin must remain: make someone else an admin first" in html
    assert "Conflict" not in html
    db_session.expire_all()
    assert db_session.get(User, admin.id).role == "admin"


def test_a_bad_boost_filter_shows_the_whole_list_with_a_message(client, login, make_user):
    login(make_user())
    response = client.get("/boost/?need=hugs&site=nowhere", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.request.path == "/boost/"
    assert "Unknown need &#39;hugs&#39;" in html and "Showing every site and need" in html
    assert "ValidationError" not in html
