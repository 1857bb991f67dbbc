"""The board's plan is made once per change of its inputs and shared, and never served
for a state other than its own: a logged action, new counts, a teammate coming online or
a changed rec list all show at once; each teammate still sees their own marks.

Run with the plan kept in this process and in Redis (as several web workers share it),
on both database backends. Each test commits (the fixture's savepoints), as requests do.
"""

from __future__ import annotations

import re
import threading
import uuid

import pytest
from sqlalchemy import text, update

from app.boost import board_cache, presence
from app.boost.actions import log_action
from app.boost.board_cache import BoardCache
from app.boost.service import boost_list, boost_row
from models import Diary, board_version
from scrapers import store
from scrapers.types import DiaryCounts
from tests import factories
from tests.dashboard.conftest import NOW
from tests.factories import hours

REDIS_URL = "redis://127.0.0.1:6379/14"
SECRET = "test-secret-key-not-for-production"


def _redis_or_skip() -> None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"Redis unreachable at {REDIS_URL}: {exc}")


@pytest.fixture(params=["process", "redis"])
def cache(request):
    """The app's board cache, in this process or shared through Redis."""
    url = None
    if request.param == "redis":
        _redis_or_skip()
        url = REDIS_URL
    board_cache.cache.configure(url, SECRET)
    yield board_cache.cache
    board_cache.cache.configure(None, SECRET)


def _online(session, n):
    users = [factories.make_user(session) for _ in range(n)]
    for user in users:
        user.last_seen_at = NOW - hours(0.1)
    return users


def _rec_need(row) -> str:
    """The row's recommend need (its comment need may come first)."""
    return next(n.reason for n in row.needs if n.kind == "recommend")


def _view(page):
    return [(r.diary_id, r.group, r.for_you, r.recommends, tuple(n.reason for n in r.needs),
             r.mine) for r in page.rows]


def _uncached(session, user, now):
    """The board computed from scratch: what a cached answer must equal."""
    fresh = BoardCache()
    saved, board_cache.cache = board_cache.cache, fresh
    try:
        return boost_list(session, user, now)
    finally:
        board_cache.cache = saved


def test_the_plan_is_made_once_while_nothing_changes(db_session, world, cache):
    mate, _ = _online(db_session, 2)
    world.blogger.last_seen_at = NOW
    db_session.commit()
    first = boost_list(db_session, world.blogger, NOW)
    made = cache.computed
    again = boost_list(db_session, world.blogger, NOW + hours(0.005))
    other = boost_list(db_session, mate, NOW + hours(0.01))
    assert cache.computed == made  # three views, one plan
    assert _view(again) == _view(first)
    assert [r.diary_id for r in other.rows] == [r.diary_id for r in first.rows]


def test_a_teammates_logged_recommend_moves_the_row_at_once(db_session, world, cache):
    helper, _ = _online(db_session, 2)
    db_session.commit()
    before = boost_list(db_session, world.blogger, NOW)
    rising = next(r for r in before.rows if r.diary_id == world.rising.id)
    assert _rec_need(rising).startswith("needs ~6 more"), rising.needs
    log_action(db_session, user=helper, diary_id=world.rising.id, kind="recommend",
               now=NOW + hours(0.01))
    db_session.commit()
    after = boost_list(db_session, world.blogger, NOW + hours(0.02))
    rising = next(r for r in after.rows if r.diary_id == world.rising.id)
    assert _rec_need(rising).startswith("needs ~5 more"), rising.needs
    assert rising.team_actions == 1
    assert _view(after) == _view(_uncached(db_session, world.blogger, NOW + hours(0.02)))
    row = boost_row(db_session, helper, NOW + hours(0.02), world.rising.id)
    assert row.mine == frozenset({"recommend"})


def test_new_counts_change_the_board(db_session, world, cache):
    db_session.commit()
    before = boost_list(db_session, world.blogger, NOW)
    assert next(r for r in before.rows if r.diary_id == world.rising.id).recommends == 5
    later = NOW + hours(0.1)
    store.record_counts(db_session, world.rising.id, DiaryCounts(recommends=9, comments=4),
                        later)
    db_session.commit()
    after = boost_list(db_session, world.blogger, later)
    row = next(r for r in after.rows if r.diary_id == world.rising.id)
    assert row.recommends == 9 and [v for _, v in row.rec_points][-1] == 9
    assert _view(after) == _view(_uncached(db_session, world.blogger, later))


def test_a_teammate_coming_online_changes_the_plan(db_session, world, cache):
    mate = factories.make_user(db_session)
    world.blogger.last_seen_at = NOW
    db_session.commit()
    assert boost_list(db_session, world.blogger, NOW).online == 1
    assert presence.touch(db_session, mate, NOW)
    db_session.commit()
    page = boost_list(db_session, world.blogger, NOW)
    assert page.online == 2
    assert _view(page) == _view(_uncached(db_session, world.blogger, NOW))


def test_a_heartbeat_of_someone_already_online_keeps_the_plan(db_session, world, cache):
    world.blogger.last_seen_at = NOW - hours(0.1)
    db_session.commit()
    version = board_version.current(db_session)
    assert presence.touch(db_session, world.blogger, NOW)
    db_session.commit()
    assert board_version.current(db_session) == version


def test_a_changed_rec_list_changes_the_board(db_session, world, cache):
    world.dk.rec_list_checked_at = NOW
    world.rising.url = "https://www.dailykos.com/story/2026/11/17/1/single-payer"
    db_session.commit()
    before = boost_list(db_session, world.blogger, NOW)
    version = board_version.current(db_session)
    store.set_rec_list(db_session, world.dk.id, [world.rising.url], now=NOW)
    db_session.commit()
    assert board_version.current(db_session) != version
    after = boost_list(db_session, world.blogger, NOW)
    assert _view(after) == _view(_uncached(db_session, world.blogger, NOW))
    assert _view(after) != _view(before)


def test_two_teammates_see_their_own_marks_on_one_plan(db_session, world, cache):
    a, b = _online(db_session, 2)
    log_action(db_session, user=a, diary_id=world.star.id, kind="crosspost",
               target_site_slug="dailykos", url="https://www.dailykos.com/story/x", now=NOW)
    db_session.commit()
    page_a = boost_list(db_session, a, NOW)
    made = cache.computed
    page_b = boost_list(db_session, b, NOW)
    assert cache.computed == made
    star_a = next(r for r in page_a.rows if r.diary_id == world.star.id)
    star_b = next(r for r in page_b.rows if r.diary_id == world.star.id)
    assert star_a.mine == frozenset({"crosspost"}) and star_b.mine == frozenset()
    assert "dailykos" not in {o.slug for o in star_a.crosspost_options}
    assert "dailykos" in {o.slug for o in star_b.crosspost_options}
    # The plan asks people by name: each sees "for you" only on their own rows.
    for page, user in ((page_a, a), (page_b, b)):
        assert _view(page) == _view(_uncached(db_session, user, NOW))


def test_a_viewer_not_online_yet_counts_as_online_without_changing_the_shared_plan(
        db_session, world, cache):
    mate, _ = _online(db_session, 2)
    db_session.commit()
    assert boost_list(db_session, mate, NOW).online == 2  # the blogger is away
    assert boost_list(db_session, world.blogger, NOW).online == 3  # but is looking now
    assert boost_list(db_session, mate, NOW).online == 2


def test_an_uncommitted_write_is_never_shared(db_session, world, cache):
    db_session.commit()
    boost_list(db_session, world.blogger, NOW)
    savepoint = db_session.begin_nested()
    db_session.execute(update(Diary).where(Diary.id == world.rising.id).values(recommends=40))
    mine = boost_list(db_session, world.blogger, NOW)
    assert next(r for r in mine.rows if r.diary_id == world.rising.id).recommends == 40
    savepoint.rollback()
    page = boost_list(db_session, world.blogger, NOW)
    assert next(r for r in page.rows if r.diary_id == world.rising.id).recommends == 5


def test_a_stale_plan_is_never_served_by_another_worker_after_a_bump(db_session, world):
    """Two workers sharing Redis: what one computed before a write is not what the other
    serves after it, whichever of them looks first."""
    _redis_or_skip()
    one, two = BoardCache(), BoardCache()
    one.configure(REDIS_URL, SECRET)
    two.configure(REDIS_URL, SECRET)
    saved = board_cache.cache
    try:
        helper, _ = _online(db_session, 2)
        db_session.commit()
        board_cache.cache = one
        boost_list(db_session, world.blogger, NOW)
        made = one.computed
        board_cache.cache = two
        boost_list(db_session, world.blogger, NOW)
        assert two.computed == 0  # the first worker's plan, through Redis
        log_action(db_session, user=helper, diary_id=world.rising.id, kind="recommend",
                   now=NOW + hours(0.01))
        db_session.commit()
        later = NOW + hours(0.02)
        for worker in (two, one):
            board_cache.cache = worker
            row = next(r for r in boost_list(db_session, world.blogger, later).rows
                       if r.diary_id == world.rising.id)
            assert _rec_need(row).startswith("needs ~5 more"), row.needs
        # Made again once between the two workers.
        assert two.computed + one.computed == 2 * made
    finally:
        board_cache.cache = saved


def test_a_tampered_redis_entry_is_not_used(db_session, world):
    _redis_or_skip()
    import redis

    worker = BoardCache()
    worker.configure(REDIS_URL, SECRET)
    saved, board_cache.cache = board_cache.cache, worker
    try:
        db_session.commit()
        boost_list(db_session, world.blogger, NOW)
        version = board_version.current(db_session)
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"diaryboost:board:{version}:*"):
            client.set(key, b"x" * 40 + client.get(key)[40:])
        worker.clear()
        page = boost_list(db_session, world.blogger, NOW)
        assert [r.diary_id for r in page.rows] == [
            r.diary_id for r in _uncached(db_session, world.blogger, NOW).rows]
    finally:
        board_cache.cache = saved


def test_writes_outside_a_session_replace_the_version_too(engine):
    with engine.connect() as conn:
        before = conn.scalar(text("SELECT version FROM board_state"))
    with engine.begin() as conn:
        conn.execute(update(Diary).where(Diary.id == -1).values(recommends=1))
    with engine.connect() as conn:
        after = conn.scalar(text("SELECT version FROM board_state"))
    assert before and after and after != before


def test_the_plan_is_remade_as_time_passes(db_session, world, cache):
    db_session.commit()
    boost_list(db_session, world.blogger, NOW)
    made = cache.computed
    boost_list(db_session, world.blogger, NOW + board_cache.MAX_AGE)
    assert cache.computed > made



def _row_html(page: str, diary_id: int) -> str:
    start = page.index(f'id="diary-{diary_id}"')
    ends = [page.find(marker, start + 1) for marker in ('id="diary-', "</ol>")]
    return page[start:min(e for e in ends if e > 0)]


def test_a_row_drawn_before_is_drawn_anew_when_it_changes(app, client, login, db_session,
                                                          world):
    from app import clock

    with app.app_context():
        clock.pin(NOW)
    login(world.blogger)
    first = client.get("/boost/").get_data(as_text=True)
    assert "no teammate yet" in _row_html(first, world.rising.id)
    helper = factories.make_user(db_session)
    log_action(db_session, user=helper, diary_id=world.rising.id, kind="recommend", now=NOW)
    db_session.commit()
    page = client.get("/boost/").get_data(as_text=True)
    assert "1 teammate acted" in _row_html(page, world.rising.id)
    live = client.get("/boost/live").get_json()
    html = next(r["html"] for r in live["rows"] if r.get("id") == world.rising.id)
    assert "1 teammate acted" in html
    # Forms in reused rows carry this request's CSRF token: logging from them works.
    row = _row_html(client.get("/boost/").get_data(as_text=True), world.rising.id)
    token = re.search(r'name="csrf_token" value="([^"]+)"', row).group(1)
    done = client.post(f"/diaries/{world.rising.id}/actions",
                       data={"kind": "comment", "csrf_token": token, "next": "/boost/"})
    assert done.status_code == 303
    assert "commented" in _row_html(client.get("/boost/").get_data(as_text=True),
                                    world.rising.id).lower()


def _hold_lock(worker: BoardCache, session, key: tuple) -> str:
    """Take the Redis lock another worker would hold while it computes ``key`` at the
    current version; returns the lock's name."""
    full = f"{board_version.current(session)}:{key!r}"
    assert worker._shared.lock(full)
    session.rollback()  # the version was read in this transaction: read it anew later
    return full


def _own_namespace() -> str:
    """Keys of this test only: other test workers share the Redis database."""
    return f"test:{uuid.uuid4().hex}:"


def _two_workers() -> tuple[BoardCache, BoardCache]:
    """Two web workers' caches sharing Redis, under keys of this test only."""
    _redis_or_skip()
    namespace = _own_namespace()
    workers = BoardCache(), BoardCache()
    for worker in workers:
        worker.configure(REDIS_URL, SECRET, namespace)
    return workers


def test_while_one_worker_computes_the_others_answer_from_the_last_plan(db_session, world):
    """No request queues behind a computation: it is answered from the previous plan,
    told so (``served_stale``), and the new plan is served as soon as it exists."""
    one, two = _two_workers()
    saved = board_cache.cache
    try:
        helper, _ = _online(db_session, 2)
        world.blogger.last_seen_at = NOW - hours(0.1)  # the shared plan, not a viewer's own
        db_session.commit()
        board_cache.cache = one
        boost_list(db_session, world.blogger, NOW)
        assert not board_cache.served_stale(db_session)
        db_session.commit()
        log_action(db_session, user=helper, diary_id=world.rising.id, kind="recommend",
                   now=NOW + hours(0.01))
        db_session.commit()
        later = NOW + hours(0.02)
        lock = _hold_lock(one, db_session, ("board", None, None))  # "one" is computing
        board_cache.cache = two
        row = next(r for r in boost_list(db_session, world.blogger, later).rows
                   if r.diary_id == world.rising.id)
        assert _rec_need(row).startswith("needs ~6 more"), row.needs  # the last plan
        assert board_cache.served_stale(db_session)
        assert two.stale_served == 1
        db_session.commit()
        assert not board_cache.served_stale(db_session)  # per transaction
        one._shared.unlock(lock)
        row = next(r for r in boost_list(db_session, world.blogger, later).rows
                   if r.diary_id == world.rising.id)
        assert _rec_need(row).startswith("needs ~5 more"), row.needs
        assert not board_cache.served_stale(db_session)
    finally:
        board_cache.cache = saved


def test_with_no_earlier_plan_a_request_waits_rather_than_guessing(db_session, world):
    _redis_or_skip()
    worker = BoardCache()
    worker.configure(REDIS_URL, SECRET, _own_namespace())
    saved, board_cache.cache = board_cache.cache, worker
    try:
        db_session.commit()
        lock = _hold_lock(worker, db_session, ("board", None, None))
        threading.Timer(0.3, worker._shared.unlock, args=(lock,)).start()
        page = boost_list(db_session, world.blogger, NOW)  # computes once the lock is free
        assert not board_cache.served_stale(db_session)
        assert [r.diary_id for r in page.rows] == [
            r.diary_id for r in _uncached(db_session, world.blogger, NOW).rows]
    finally:
        board_cache.cache = saved


def test_a_live_poll_answered_from_the_last_plan_carries_no_etag(app, client, login,
                                                                 db_session, world):
    """An ETag on a stale answer would let the next poll be told "304" about a board it
    has not seen; without one the poll after the computation fetches the new rows."""
    _redis_or_skip()
    from app import clock

    saved = board_cache.cache
    worker = BoardCache()
    worker.configure(REDIS_URL, SECRET, _own_namespace())
    board_cache.cache = worker
    try:
        with app.app_context():
            clock.pin(NOW)
        helper, _ = _online(db_session, 2)
        world.blogger.last_seen_at = NOW - hours(0.1)
        db_session.commit()
        login(world.blogger)
        client.get("/boost/live")  # notes the teammate's presence (a write of its own)
        first = client.get("/boost/live")
        assert first.status_code == 200 and first.headers.get("ETag")
        log_action(db_session, user=helper, diary_id=world.rising.id, kind="recommend", now=NOW)
        db_session.commit()
        lock = _hold_lock(worker, db_session, ("board", None, None))
        worker.clear()  # as another worker would be: nothing of the new version here
        stale = client.get("/boost/live", headers={"If-None-Match": first.headers["ETag"]})
        assert stale.status_code == 200 and "ETag" not in stale.headers
        rows = {r.get("id"): r["html"] for r in stale.get_json()["rows"]}
        assert "no teammate yet" in rows[world.rising.id], rows[world.rising.id]
        worker._shared.unlock(lock)
        # What was drawn from the last plan is kept PROVISIONAL_AGE at most, then the
        # next poll draws the new plan.
        again = client.get("/boost/live")
        assert "ETag" not in again.headers
        with app.app_context():
            clock.pin(NOW + board_cache.PROVISIONAL_AGE)
        fresh = client.get("/boost/live")
        assert fresh.status_code == 200 and fresh.headers.get("ETag")
        rows = {r.get("id"): r["html"] for r in fresh.get_json()["rows"]}
        assert "1 teammate acted" in rows[world.rising.id]
    finally:
        board_cache.cache = saved


def test_a_viewer_missing_from_the_last_plan_does_not_start_a_second_one(db_session, world):
    """While the new plan is made, a teammate who came online after the last one is shown
    that one as it is, rather than setting off a full plan of their own at the same time
    (at a burst of teammates arriving, each did)."""
    one, two = _two_workers()
    saved = board_cache.cache
    try:
        mate, _ = _online(db_session, 2)
        db_session.commit()
        board_cache.cache = one
        assert boost_list(db_session, mate, NOW).online == 2  # the blogger is away
        db_session.commit()
        assert presence.touch(db_session, world.blogger, NOW)  # comes online: a new version
        db_session.commit()
        lock = _hold_lock(one, db_session, ("board", None, None))
        board_cache.cache = two
        page = boost_list(db_session, world.blogger, NOW)
        assert board_cache.served_stale(db_session) and page.online == 2
        assert two.computed <= 1  # at most the site list, never a plan
        db_session.commit()
        one._shared.unlock(lock)
        assert boost_list(db_session, world.blogger, NOW).online == 3
    finally:
        board_cache.cache = saved
