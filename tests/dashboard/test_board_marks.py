"""A teammate's own Boost today: "not for me" and "snooze" hide a row for them only, with
undo; rows whose asked-for actions they logged fold away as done, still reachable."""

from datetime import UTC, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from app import clock
from app.boost import marks as board_marks
from app.boost.marks import Mark
from app.errors import Conflict, ValidationError
from tests import factories
from tests.conftest import csrf_from
from tests.dashboard.conftest import NOW
from tests.factories import hours


def _ids(rows):
    return [r.diary_id for r in rows]


def _row(diary_id, needs=("recommend",), mine=()):
    return SimpleNamespace(diary_id=diary_id, need_kinds=tuple(needs), mine=frozenset(mine))


# The pure split -----------------------------------------------------------------------

def test_fold_keeps_order_and_puts_each_row_in_one_place():
    rows = [_row(1), _row(2, ("recommend", "comment"), {"recommend"}),
            _row(3, ("recommend", "comment"), {"recommend", "comment"}), _row(4), _row(5)]
    marks = {4: Mark(4, "dismiss", None, NOW - hours(1)),
             5: Mark(5, "snooze", NOW + hours(1), NOW - hours(0.05))}
    folded = board_marks.fold(rows, marks, NOW)
    # Half done is not done: the row still asks for a comment.
    assert _ids(folded.rows) == [1, 2, 5]
    assert list(folded.recent) == [5]  # hidden 3 min ago: still undoable in place
    assert _ids(folded.done) == [3]
    assert [(r.diary_id, m.kind) for r, m in folded.hidden] == [(4, "dismiss")]


def test_snooze_until_tomorrow_means_the_next_morning_in_the_teammates_zone():
    la = ZoneInfo("America/Los_Angeles")
    # NOW is 11:00 in Los Angeles; 23:30 there is already "tomorrow" in UTC.
    assert board_marks.snooze_until("tomorrow", NOW, la) == datetime(2026, 11, 18, 15, 0,
                                                                      tzinfo=UTC)
    late = datetime(2026, 11, 18, 7, 30, tzinfo=UTC)
    assert board_marks.snooze_until("tomorrow", late, la) == datetime(2026, 11, 18, 15, 0,
                                                                       tzinfo=UTC)
    assert board_marks.snooze_until("1h", NOW, la) == NOW + hours(1)
    with pytest.raises(ValidationError, match="Unknown snooze"):
        board_marks.snooze_until("forever", NOW, la)


# Against the database -------------------------------------------------------------------

def test_a_dismiss_hides_the_row_for_that_teammate_only_until_undone(db_session, world):
    s, me = db_session, world.blogger
    other = factories.make_user(s)
    board_marks.mark(s, me, world.rising.id, "dismiss", NOW)
    page, folded = board_marks.my_board(s, me, NOW + hours(0.5), )
    assert world.rising.id not in _ids(page.rows)
    assert [r.diary_id for r, _m in folded.hidden] == [world.rising.id]
    theirs, _ = board_marks.my_board(s, other, NOW + hours(0.5))
    assert _ids(theirs.rows)[0] == world.rising.id
    board_marks.unmark(s, me, world.rising.id)
    page, folded = board_marks.my_board(s, me, NOW + hours(0.5))
    assert _ids(page.rows)[0] == world.rising.id and not folded.hidden
    with pytest.raises(Conflict, match="nothing to undo"):
        board_marks.unmark(s, me, world.rising.id)


def test_a_snooze_ends_and_a_new_choice_replaces_the_old(db_session, world):
    s, me = db_session, world.blogger
    board_marks.mark(s, me, world.star.id, "snooze", NOW, snooze="1h")
    assert world.star.id not in _ids(board_marks.my_board(s, me, NOW + hours(0.5))[0].rows)
    assert world.star.id in _ids(board_marks.my_board(s, me, NOW + hours(1.1))[0].rows)
    board_marks.mark(s, me, world.star.id, "dismiss", NOW + hours(1.1))
    marks = board_marks.active_marks(s, me.id, NOW + hours(30))
    assert marks[world.star.id].kind == "dismiss" and marks[world.star.id].until is None
    with pytest.raises(ValidationError, match="Unknown choice"):
        board_marks.mark(s, me, world.star.id, "hide-forever", NOW)


def test_the_fingerprint_moves_with_marks_snooze_ends_and_the_undo_window(db_session, world):
    s, me = db_session, world.blogger
    before = board_marks.fingerprint(s, me.id, NOW)
    board_marks.mark(s, me, world.star.id, "snooze", NOW, snooze="1h")
    seen = [before, board_marks.fingerprint(s, me.id, NOW)]
    seen.append(board_marks.fingerprint(s, me.id, NOW + hours(0.5)))  # undo window closed
    assert seen[-1] == board_marks.fingerprint(s, me.id, NOW + hours(0.6))  # nothing moved
    seen.append(board_marks.fingerprint(s, me.id, NOW + hours(1.5)))  # snooze over
    assert len(set(seen)) == len(seen)
    board_marks.unmark(s, me, world.star.id)
    # Undone: the same board as before the snooze, so the same fingerprint.
    assert board_marks.fingerprint(s, me.id, NOW + hours(1.5)) == before


# Through the web, without JavaScript ------------------------------------------------------

def _pin(app, when):
    with app.app_context():
        clock.pin(when)


def test_dismiss_then_undo_with_plain_forms(app, client, login, world):
    _pin(app, NOW)
    login(world.blogger)
    token = csrf_from(client.get("/boost/").get_data(as_text=True))
    refused = client.post(f"/diaries/{world.rising.id}/hide", data={"kind": "dismiss"})
    assert refused.status_code == 400  # no CSRF token: nothing hidden
    assert f'id="diary-{world.rising.id}"' in client.get("/boost/").get_data(as_text=True)

    answer = client.post(f"/diaries/{world.rising.id}/hide",
                         data={"kind": "dismiss", "csrf_token": token, "next": "/boost/"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/boost/")
    html = client.get("/boost/").get_data(as_text=True)
    assert "Hidden: not for you. You can undo it for a few minutes." in html
    assert "Not for you:</span>" in html and ">Undo</button>" in html

    _pin(app, NOW + hours(0.2))  # the undo line is gone; the row waits under "Hidden by you"
    html = client.get("/boost/").get_data(as_text=True)
    assert f'id="diary-{world.rising.id}"' not in html
    assert "Hidden by you (1)" in html and ">Bring back</button>" in html

    client.post(f"/diaries/{world.rising.id}/unhide", data={"csrf_token": token})
    html = client.get("/boost/").get_data(as_text=True)
    assert "Back on your board." in html and "Hidden by you" not in html
    assert f'id="diary-{world.rising.id}"' in html


def test_a_bad_snooze_is_refused_with_a_message_and_the_row_stays(app, client, login, world):
    _pin(app, NOW)
    login(world.blogger)
    token = csrf_from(client.get("/boost/").get_data(as_text=True))
    client.post(f"/diaries/{world.star.id}/hide",
                data={"kind": "snooze", "snooze": "next-year", "csrf_token": token})
    html = client.get("/boost/").get_data(as_text=True)
    assert "Unknown snooze" in html and "Snoozed" not in html.split("Unknown snooze")[1]
    assert f'id="diary-{world.star.id}"' in html


def test_rows_the_teammate_did_fold_away_but_stay_reachable(app, client, login, world,
                                                          db_session):
    _pin(app, NOW)
    for kind in ("recommend", "comment"):
        factories.make_action(db_session, world.blogger, world.rising, kind=kind, at=NOW)
    login(world.blogger)
    html = client.get("/boost/").get_data(as_text=True)
    main, folded = html.split('id="board-folded"')
    assert f'id="diary-{world.rising.id}"' not in main
    assert "Done by you (1)" in folded and f'id="diary-{world.rising.id}"' in folded


def test_the_poll_notices_a_hide_and_an_undo(app, client, login, world):
    _pin(app, NOW)
    login(world.blogger)
    token = csrf_from(client.get("/boost/").get_data(as_text=True))
    first = client.get("/boost/live")
    etag = first.headers["ETag"]
    client.post(f"/diaries/{world.rising.id}/hide", data={"kind": "dismiss", "csrf_token": token})
    hidden = client.get("/boost/live", headers={"If-None-Match": etag})
    assert hidden.status_code == 200
    row = next(r for r in hidden.get_json()["rows"] if r.get("id") == world.rising.id)
    assert "row-hidden" in row["html"] and ">Undo</button>" in row["html"]
    client.post(f"/diaries/{world.rising.id}/unhide", data={"csrf_token": token})
    back = client.get("/boost/live", headers={"If-None-Match": hidden.headers["ETag"]})
    assert back.status_code == 200
    assert back.headers["ETag"] != hidden.headers["ETag"]
    row = next(r for r in back.get_json()["rows"] if r.get("id") == world.rising.id)
    assert "row-hidden" not in row["html"] and "I recommended" in row["html"]
