"""boost_list: a seeded set of diaries across sites gives the expected order and reasons."""

import pytest

from app.boost.service import boost_list, boost_row
from app.errors import ValidationError
from models import Shift, ShiftAssignment
from tests import factories
from tests.dashboard.conftest import NOW
from tests.factories import hours


def _order(page):
    return [r.title for r in page.rows]


def test_ranked_order_and_reasons(db_session, world):
    page = boost_list(db_session, world.blogger, NOW)
    assert _order(page) == ["Single payer now", "Medicare for all, a primer",
                            "SiCKO screening tonight"]
    rising, fresh, star = page.rows
    # Only the viewer is at the board: nobody can lift 6 recs, so recs are a watch note
    # after what the viewer can do now.
    assert [n.kind for n in rising.needs] == ["comment", "recommend"]
    assert rising.needs[1].reason == "needs ~6 more; 1 of you online"
    assert rising.needs[0].reason == "needs 3 more comments in the next 1 h to stay visible (has 2)"
    assert fresh.needs[1].reason == "needs ~11 more; 1 of you online"
    assert page.online == 1 and rising.group is None and not rising.for_you
    assert [n.kind for n in star.needs] == ["crosspost"]
    assert star.needs[0].targets == ("calitics", "dailykos")
    assert "cross-post to Calitics, Daily Kos within 46 h" in star.needs[0].reason
    # Sparkline data: the observed counts, oldest first.
    assert [v for _, v in rising.rec_points] == [0, 3, 5]
    assert page.total == 3 and page.shift is None


def _online(db_session, n):
    users = [factories.make_user(db_session) for _ in range(n)]
    for user in users:
        user.last_seen_at = NOW - hours(0.1)
    db_session.flush()
    return users


def test_teammates_online_turn_a_reachable_diary_into_a_recommend_now_row(db_session, world):
    _online(db_session, 5)
    page = boost_list(db_session, world.blogger, NOW)
    assert page.online == 6
    rising = page.rows[0]
    assert rising.title == "Single payer now" and rising.group == "act" and rising.for_you
    assert rising.needs[0].reason == ("needs about 6 more recs in the next 15 min to reach "
                                      "the list — 6 of you online")
    # Out of reach of six: a watch note, after the comments the viewer can give now.
    fresh = next(r for r in page.rows if r.title == "Medicare for all, a primer")
    assert fresh.group is None and fresh.needs[0].kind == "comment"
    assert fresh.needs[-1].reason == "needs ~11 more; 6 of you online"


def test_away_teammates_and_spent_budgets_do_not_count(db_session, world):
    away, spent = _online(db_session, 2)
    away.last_seen_at = NOW - hours(0.5)
    spent.recs_per_hour = 1
    factories.make_action(db_session, spent, world.fresh, "recommend", at=NOW - hours(0.5))
    page = boost_list(db_session, world.blogger, NOW)
    assert page.online == 2
    assert next(r for r in page.rows if r.title == "Single payer now").group is None


def test_a_logged_recommend_moves_the_row_at_once(db_session, world):
    helper, *_ = _online(db_session, 5)
    # Logged after the diary's last poll: counted before the next poll reads it.
    factories.make_action(db_session, helper, world.rising, "recommend", at=NOW + hours(0.01))
    row = boost_row(db_session, world.blogger, NOW + hours(0.02), world.rising.id)
    assert row.group == "act"
    assert row.needs[0].reason.startswith("needs about 5 more recs")


def test_a_step_aging_site_scores_by_the_table(db_session, world):
    from app.boost.service import diary_detail

    world.dk.rec_aging = "step"
    db_session.flush()
    detail = diary_detail(db_session, world.blogger, world.rising.id, NOW)
    assert detail.aging.startswith("steps: 1 under 5 min, 0.75 under 1 h")
    # 3 recs dated 30 min ago weigh 0.75, the 2 dated now count fully.
    assert detail.assessment.rec_score == pytest.approx(3 * 0.75 + 2)


def test_off_topic_old_and_disabled_site_diaries_are_left_out(db_session, world):
    world.mydd.enabled = False
    db_session.flush()
    titles = _order(boost_list(db_session, world.blogger, NOW))
    assert "SiCKO screening tonight" not in titles
    assert "Baseball thread" not in titles and "Old news on health care" not in titles


def test_filters(db_session, world):
    assert _order(boost_list(db_session, world.blogger, NOW, site="mydd")) == [
        "SiCKO screening tonight"]
    assert _order(boost_list(db_session, world.blogger, NOW, need="crosspost")) == [
        "SiCKO screening tonight"]
    assert _order(boost_list(db_session, world.blogger, NOW, need="comment")) == [
        "Single payer now", "Medicare for all, a primer"]
    with pytest.raises(ValidationError):
        boost_list(db_session, world.blogger, NOW, site="nosuchsite")
    with pytest.raises(ValidationError):
        boost_list(db_session, world.blogger, NOW, need="hugs")


def test_team_actions_damp_priority_and_mark_mine(db_session, world):
    before = boost_list(db_session, world.blogger, NOW).rows[0]
    other = factories.make_user(db_session)
    factories.make_action(db_session, other, world.rising, "recommend")
    factories.make_action(db_session, world.blogger, world.rising, "comment")
    row = next(r for r in boost_list(db_session, world.blogger, NOW).rows
               if r.diary_id == world.rising.id)
    assert row.teammates == 2 and row.team_actions == 2
    assert row.mine == frozenset({"comment"})
    assert row.priority < before.priority


def test_crosspost_group_copy_counts_as_covered(db_session, world):
    world.star.crosspost_group_id = world.star.id
    factories.make_diary(db_session, world.dk, title="SiCKO (DK copy)", topic_score=0.0,
                         crosspost_group_id=world.star.id, published_at=NOW - hours(1))
    star = boost_list(db_session, world.blogger, NOW, site="mydd").rows[0]
    assert star.needs[0].targets == ("calitics",)


def test_shift_puts_its_site_and_focus_first(db_session, world):
    shift = Shift(site_id=world.mydd.id, starts_at=NOW - hours(1), ends_at=NOW + hours(2),
                  focus="crosspost", places=2)
    db_session.add(shift)
    db_session.flush()
    db_session.add(ShiftAssignment(shift_id=shift.id, user_id=world.blogger.id))
    db_session.flush()
    page = boost_list(db_session, world.blogger, NOW)
    assert page.shift.site_name == "MyDD" and page.shift.focus == "crosspost"
    assert _order(page)[0] == "SiCKO screening tonight"
    assert page.rows[0].on_shift and not page.rows[1].on_shift


def test_comment_focus_reorders_badges(db_session, world):
    shift = Shift(site_id=None, starts_at=NOW - hours(1), ends_at=NOW + hours(2),
                  focus="comment")
    db_session.add(shift)
    db_session.flush()
    db_session.add(ShiftAssignment(shift_id=shift.id, user_id=world.blogger.id))
    db_session.flush()
    rows = boost_list(db_session, world.blogger, NOW).rows
    assert [r.title for r in rows][:2] == ["Single payer now", "Medicare for all, a primer"]
    assert rows[0].needs[0].kind == "comment"


def test_boost_row_for_a_satisfied_live_diary(db_session, world):
    for site in (world.dk, world.calitics):
        factories.make_action(db_session, world.blogger, world.star, "crosspost",
                              target_site=site, url="https://example.org/x")
    row = boost_row(db_session, world.blogger, NOW, world.star.id)
    assert row is not None and row.needs == ()


def test_no_sites_gives_an_empty_page(db_session):
    user = factories.make_user(db_session)
    page = boost_list(db_session, user, NOW)
    assert page.rows == [] and page.total == 0
