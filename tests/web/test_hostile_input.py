"""Hostile input answered 400 naming the field, never 500: ids beyond the id columns, dates
beyond the calendar arithmetic, JSON nested too deeply, NUL characters, bodies too large.
A real bug still answers 500 and is logged."""

import logging
import socket
import threading
from datetime import UTC, datetime

import icalendar
import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app.accounts.users import issue_api_token
from app.shifts import calendar
from config import Config, ConfigError
from models import Shift, User
from tests.admin.test_admin_cli import invoke  # noqa: F401 - the CLI fixture
from tests.conftest import csrf_from

BIG = "99999999999999999999"  # > 2**64


@pytest.fixture
def admin(make_user, login):
    user = make_user(role="admin")
    login(user)
    return user


def _message(res) -> str:
    return res.get_json()["message"] if res.is_json else res.get_data(as_text=True)


@pytest.mark.parametrize("path, field", [
    (f"/diaries/{BIG}", "diary_id"),
    ("/diaries/2147483648", "diary_id"),  # just past PostgreSQL's INTEGER
    (f"/shifts/{BIG}/edit", "shift_id"),
    ("/team/?week=0001-01-01", "week"),
    ("/team/?week=9999-12-31", "week"),
    ("/digest/preview?week=9999-W52", "week"),
    ("/digest/preview/email?week=9999-W52", "week"),
    ("/digest/unsubscribe/%00", "address"),
    ("/feeds/%00/boost.atom", "address"),
])
def test_hostile_page_requests_get_400_naming_the_field(client, admin, path, field):
    # Old date-style week links redirect to their ISO week first; that one is refused.
    res = client.get(path, follow_redirects=True)
    assert res.status_code == 400, path
    assert field in _message(res)


@pytest.mark.parametrize("path, data, field", [
    (f"/admin/users/{BIG}/role", {"role": "admin"}, "user_id"),
    (f"/admin/sources/feeds/{BIG}/poll", {}, "feed_id"),
    (f"/admin/topics/{BIG}/enabled", {"enabled": "1"}, "rule_id"),
    (f"/shifts/{BIG}/claim", {}, "shift_id"),
    (f"/shifts/1/unassign/{BIG}", {}, "user_id"),
    ("/admin/topics/test", {"title": "a\x00b", "tags": "", "body": ""}, "title"),
])
def test_hostile_form_posts_get_400_naming_the_field(client, admin, path, data, field):
    token = csrf_from(client.get("/profile/").get_data(as_text=True))
    res = client.post(path, data={"csrf_token": token, **data})
    assert res.status_code == 400, path
    assert field in _message(res)


@pytest.fixture
def api(client, admin, db_session):
    headers = {"Authorization": f"Bearer {issue_api_token(db_session, admin)}"}
    return lambda method, path, **kw: client.open(f"/api/v1{path}", method=method,
                                                  headers=headers, **kw)


def test_api_refuses_ids_past_the_column_range(api, make_diary):
    res = api("GET", f"/diaries/{BIG}")
    assert res.status_code == 400 and "diary_id" in res.get_json()["message"]
    res = api("POST", "/actions", json={"diary_id": int(BIG), "kind": "recommend"})
    assert res.status_code == 400 and "diary_id" in res.get_json()["message"]
    res = api("POST", "/actions", json={"diary_id": 2**63, "kind": "recommend"})
    assert res.status_code == 400 and "diary_id" in res.get_json()["message"]


@pytest.mark.parametrize("body", [
    "[" * 100_000 + "]" * 100_000,                   # a RecursionError inside json
    '{"diary_id": ' + "[" * 40 + "]" * 40 + "}",     # parses, but deeper than we allow
])
def test_api_refuses_deeply_nested_json(api, body):
    res = api("POST", "/actions", data=body, content_type="application/json")
    assert res.status_code == 400
    assert "JSON body nests deeper than" in res.get_json()["message"]


def test_api_refuses_nul_in_json_text(api, make_diary):
    diary = make_diary()
    res = api("POST", "/actions", json={"diary_id": diary.id, "kind": "crosspost",
                                        "target_site": "dk\x00"})
    assert res.status_code == 400 and "NUL" in res.get_json()["message"]


def test_shift_past_the_last_day_is_refused_and_nothing_is_created(client, db_session,
                                                                   make_user, login):
    login(make_user(role="coordinator"))
    token = csrf_from(client.get("/shifts/coverage").get_data(as_text=True))
    res = client.post("/shifts/new", data={
        "csrf_token": token, "day": "9999-12-31", "start": "23:00", "end": "01:00",
        "focus": "any", "places": "1", "site_id": ""})
    assert res.status_code == 400
    assert "Date must be between" in res.get_data(as_text=True)
    assert db_session.scalar(select(func.count(Shift.id))) == 0


def test_display_names_lose_their_line_breaks_and_the_ical_feed_stays_whole(
        client, admin, db_session, make_user):
    token = csrf_from(client.get("/admin/users/").get_data(as_text=True))
    res = client.post("/admin/users/", data={
        "csrf_token": token, "email": "eve@example.org", "password": "correct horse battery",
        "display_name": "Eve\r\nBEGIN:VEVENT\nSUMMARY:fake", "role": "blogger"})
    assert res.status_code == 302
    eve = db_session.scalar(select(User).where(User.email == "eve@example.org"))
    assert eve.display_name == "Eve BEGIN:VEVENT SUMMARY:fake"
    # A name stored before names were cleaned still cannot break the feed.
    old = make_user(display_name="Old\nname")
    for user in (eve, old):
        body = calendar.user_calendar(db_session, user, datetime(2026, 11, 30, tzinfo=UTC),
                                      "https://boost.example")
        cal = icalendar.Calendar.from_ical(body)
        assert "\n" not in str(cal["x-wr-calname"])
        assert not cal.walk("VEVENT")


def test_huge_anonymous_post_is_refused_before_it_is_read(app):
    """On a real server: the 413 comes back from the headers alone, while the client has
    sent none of the 600 MB it announced (so nothing was spooled to disk)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=30) as conn:
            conn.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\n"
                         b"Content-Length: 629145600\r\n\r\nemail=a")
            status_line = conn.makefile("rb").readline()
    finally:
        server.shutdown()
        thread.join()
    assert status_line.split()[1] == b"413", status_line


def test_a_body_within_the_limit_still_reaches_the_form(client):
    res = client.post("/login", data={"email": "x@example.org", "password": "p" * 10,
                                      "pad": "x" * (3 * 1024 * 1024)})
    assert res.status_code == 400 and "security token" in res.get_data(as_text=True)


def test_a_real_bug_is_still_a_logged_500(app, client, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/_boom/<int:n>")
    def boom(n):
        raise RuntimeError(f"a genuine bug {n}")

    with caplog.at_level(logging.ERROR):
        res = client.get("/_boom/7")
    assert res.status_code == 500
    assert any("a genuine bug 7" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


@pytest.mark.parametrize("args", [["disable", BIG], ["enable", "2147483648"]])
def test_cli_refuses_ids_past_the_column_range(invoke, args):  # noqa: F811
    res = invoke(*args)
    assert res.exit_code == 2
    assert "FEED_ID" in res.output and "0<=x<=2147483647" in res.output


def test_the_body_limit_is_configurable_and_checked(tmp_path):
    env = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 32}
    assert Config.from_env(env).MAX_CONTENT_LENGTH == 4 * 1024 * 1024
    assert Config.from_env({**env, "MAX_CONTENT_LENGTH": "8388608"}).MAX_CONTENT_LENGTH \
        == 8 * 1024 * 1024
    with pytest.raises(ConfigError, match="MAX_CONTENT_LENGTH"):
        Config.from_env({**env, "MAX_CONTENT_LENGTH": "4 MiB"})
