"""A teammate's Boost today page, API list and board poll are made once per state of the
board and reused (``app/web/view_cache.py``); whatever the answer shows that is not in the
board's version is in the key, so a reused answer is never one the teammate should not
see: a feed failing, their own marks, another session's forms, a message to show once."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from app import clock
from app.boost import board_cache
from app.boost.actions import log_action
from tests import factories
from tests.conftest import csrf_from
from tests.dashboard.conftest import NOW
from tests.factories import hours


@pytest.fixture
def pinned(app):
    with app.app_context():
        clock.pin(NOW)
    board_cache.views.clear()


def _page(client) -> str:
    return client.get("/boost/").get_data(as_text=True)


def _rows(html: str) -> list[str]:
    return re.findall(r'id="diary-(\d+)"', html)


def test_a_page_is_made_once_while_nothing_changes(pinned, client, login, db_session, world):
    login(world.blogger)
    _page(client)  # the first view notes the teammate's presence (a write of its own)
    first = _page(client)
    made = board_cache.views.computed
    again = _page(client)
    assert again == first and board_cache.views.computed == made
    helper = factories.make_user(db_session)
    log_action(db_session, user=helper, diary_id=world.rising.id, kind="recommend", now=NOW)
    db_session.commit()
    after = _page(client)
    assert board_cache.views.computed == made + 1
    assert after != first and "1 teammate acted" in after


def test_a_failing_feed_shows_on_a_page_already_made(pinned, client, login, db_session, world,
                                                     make_feed):
    feed = make_feed(world.mydd, last_polled_at=NOW - hours(0.1))
    db_session.commit()
    login(world.blogger)
    _page(client)
    assert "its feeds cannot be read" not in _page(client)
    # Feeds are not part of the board's version: their state is part of the page's key.
    feed.error_count, feed.last_error, feed.last_polled_at = 6, "HTTP 503", NOW
    db_session.commit()
    assert "MyDD: its feeds cannot be read right now (HTTP 503)" in " ".join(
        _page(client).split())


def test_each_session_gets_forms_it_can_post(pinned, app, client, login, db_session, world):
    other = FlaskClient(app, app.response_class, use_cookies=True)
    token = csrf_from(other.get("/login").get_data(as_text=True))
    other.post("/login", data={"email": world.blogger.email, "password": factories.PASSWORD,
                               "csrf_token": token})
    login(world.blogger)
    _page(client)
    mine = _page(client)
    other.get("/boost/")  # a session's first page makes its CSRF secret: not kept
    made = board_cache.views.computed
    theirs = other.get("/boost/").get_data(as_text=True)
    assert board_cache.views.computed == made + 1  # the same board, drawn for this session
    assert _rows(theirs) == _rows(mine)
    form_token = csrf_from(theirs)
    assert form_token != csrf_from(mine)
    done = other.post(f"/diaries/{world.rising.id}/actions",
                      data={"kind": "comment", "csrf_token": form_token, "next": "/boost/"})
    assert done.status_code == 303


def test_a_message_to_show_once_is_shown(pinned, client, login, db_session, world):
    login(world.blogger)
    _page(client)
    _page(client)
    token = csrf_from(_page(client))
    client.post(f"/diaries/{world.rising.id}/actions",
                data={"kind": "comment", "csrf_token": token, "next": "/boost/"})
    assert "Logged: you commented" in _page(client)
    assert "Logged: you commented" not in _page(client)


def test_the_api_list_is_reused_until_the_board_changes(pinned, client, db_session, world):
    from app.accounts.users import issue_api_token

    token = issue_api_token(db_session, world.blogger)
    db_session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/boost", headers=headers)
    first = client.get("/api/v1/boost", headers=headers)
    made = board_cache.views.computed
    assert client.get("/api/v1/boost", headers=headers).data == first.data
    assert board_cache.views.computed == made
    rising = next(d for d in first.get_json()["diaries"] if d["id"] == world.rising.id)
    assert rising["team_actions"] == 0
    log_action(db_session, user=world.blogger, diary_id=world.rising.id, kind="comment",
               now=NOW)
    db_session.commit()
    after = client.get("/api/v1/boost", headers=headers).get_json()
    rising = next(d for d in after["diaries"] if d["id"] == world.rising.id)
    assert rising["team_actions"] == 1 and rising["my_actions"] == ["comment"]
    # Another teammate's list is their own, not a copy of this one.
    mate = factories.make_user(db_session)
    other = issue_api_token(db_session, mate)
    db_session.commit()
    theirs = client.get("/api/v1/boost", headers={"Authorization": f"Bearer {other}"})
    rising = next(d for d in theirs.get_json()["diaries"] if d["id"] == world.rising.id)
    assert rising["my_actions"] == []


def test_while_the_plan_is_remade_a_teammate_gets_their_last_page(pinned, app, client, login,
                                                                   db_session, world):
    """A page drawn from the last plan would come out as the last page did: it is served
    as it is (and as stale) rather than drawn again for every request meanwhile."""
    import uuid

    from tests.dashboard.test_board_cache import REDIS_URL, SECRET, _redis_or_skip

    _redis_or_skip()
    namespace = f"test:{uuid.uuid4().hex}:"
    board_cache.cache.configure(REDIS_URL, SECRET, namespace + "board:")
    board_cache.views.configure(REDIS_URL, SECRET, namespace + "views:")
    try:
        world.blogger.last_seen_at = NOW - hours(0.1)
        db_session.commit()
        login(world.blogger)
        _page(client)
        last = _page(client)
        helper = factories.make_user(db_session)
        log_action(db_session, user=helper, diary_id=world.rising.id, kind="recommend", now=NOW)
        db_session.commit()
        from models import board_version

        full = f"{board_version.current(db_session)}:{('board', None, None)!r}"
        db_session.rollback()
        assert board_cache.cache._shared.lock(full)  # another worker is making the plan
        served = board_cache.views.stale_served
        during = _page(client)
        assert during == last and board_cache.views.stale_served == served + 1
        board_cache.cache._shared.unlock(full)
        assert "1 teammate acted" in _page(client)
    finally:
        board_cache.cache.configure(None, SECRET)
        board_cache.views.configure(None, SECRET)
