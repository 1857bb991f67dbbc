"""plan_board: the board's whole decision, on hand-made worlds of one site."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ranking import (
    Curve,
    DiaryInput,
    Observation,
    RecList,
    SiteSettings,
    Teammate,
    aged_score,
    board,
    plan_board,
    site_bar,
    tuning,
)

NOW = datetime(2009, 7, 15, 18, 0, tzinfo=UTC)
SITE = SiteSettings("dailykos", "Daily Kos", rec_slots=3)
SITES = {"dailykos": SITE}
modest = settings(max_examples=150, deadline=None)


def ago(minutes):
    return NOW - timedelta(minutes=minutes)


def diary(diary_id, recs, age_min=60, topic=5.0, read_min=0, pace_recs=0):
    """A diary polled at publication and now (or ``read_min`` ago): ``recs`` recs, all but
    ``pace_recs`` of them already there at publication (so they have aged with it)."""
    obs = (Observation(ago(age_min), recs - pace_recs, 0),
           Observation(ago(read_min), recs, 0))
    return DiaryInput(diary_id, "dailykos", ago(age_min), topic, obs)


def listed_world(bottom=20):
    """Three off-topic 2-hour-old diaries on the list (scores 30, 20 and ``bottom`` / 2)."""
    ds = [diary(1, 60, 120, topic=0), diary(2, 40, 120, topic=0), diary(3, bottom, 120, topic=0)]
    return ds, {"dailykos": RecList("dailykos", NOW, (1, 2, 3))}


def team(n, budget=6, recommended=frozenset(), online=True, until=None):
    return [Teammate(i, budget, until, frozenset(recommended), online) for i in range(1, n + 1)]


def score_of(d):
    return aged_score(d.observations, NOW, SITE.half_life_hours, d.published_at)


def test_a_diary_within_reach_of_the_online_team_is_an_act_row_with_helpers():
    ds, lists = listed_world()
    bar = score_of(ds[2])
    near = diary(10, 10, age_min=30)
    gap = bar - score_of(near)
    assert 0 < gap < 4
    plan = plan_board(ds + [near], SITES, NOW, lists, team(5))
    row = plan.row(10)
    assert row.group == "act"
    assert len(row.helpers) == row.need
    assert row.need >= gap
    assert f"needs about {row.need} more recs in the next 15 min to reach the list" in row.reason
    assert "5 of you online" in row.reason
    for uid in row.helpers:
        assert 10 in plan.assignments[uid]


def test_a_diary_out_of_reach_is_a_watch_row_and_nobody_is_asked():
    ds, lists = listed_world()
    far = diary(11, 3, age_min=30)
    plan = plan_board(ds + [far], SITES, NOW, lists, team(3))
    row = plan.row(11)
    assert row.group == "watch" and row.helpers == ()
    assert row.reason.startswith(f"needs ~{row.need} more; 3 of you online")
    assert plan.assignments == {}


def test_each_push_raises_the_bar_for_the_next():
    # Two diaries each a rec or two short of the third place: lifting the first pushes the
    # list's #3 off, so the second must beat #2 instead, out of this team's reach.
    ds, lists = listed_world(bottom=20)
    a, b = diary(10, 10, age_min=30), diary(11, 10, age_min=31)
    plan = plan_board(ds + [a, b], SITES, NOW, lists, team(4))
    groups = {r.diary_id: r.group for r in plan.rows}
    assert sorted(groups.values()) == ["act", "watch"]
    watched = next(r for r in plan.rows if r.group == "watch")
    assert watched.need > 4


def test_at_a_similar_gap_the_younger_diary_is_pushed_first():
    # A 6-hour-old diary a rec or two short, and a 30-minute-old one three short: one push
    # fits. The old one's score only fades (an hour of age counts as a rec of gap,
    # AGE_COST_PER_HOUR), so the young one, whose readers are still coming, gets it.
    ds, lists = listed_world(bottom=20)
    young, old = diary(10, 10, age_min=30), diary(11, 10, age_min=360, pace_recs=9)
    assert score_of(old) > score_of(young)
    plan = plan_board(ds + [young, old], SITES, NOW, lists, team(4))
    assert plan.row(10).group == "act"
    assert plan.row(11).group == "watch"


def big_team_world(pushed_min_ago):
    """Ours (5) sits at the bottom of the list, lifted by the team ``pushed_min_ago``; a new
    diary (10) is a few recs short of the list."""
    ds = [diary(1, 60, 120, topic=0), diary(2, 40, 120, topic=0), diary(5, 20, 120, topic=5)]
    lists = {"dailykos": RecList("dailykos", NOW, (1, 2, 5))}
    log = {5: [NOW - timedelta(minutes=pushed_min_ago)] * 6}
    return ds + [diary(10, 8, age_min=30)], lists, log


BIG_TEAM_ONLINE, HOLD_HOURS = tuning.BIG_TEAM_ONLINE, tuning.HOLD_HOURS


def test_with_a_big_team_online_every_able_hand_joins_a_push():
    ds, lists, _ = big_team_world(120)
    small = plan_board(ds, SITES, NOW, lists, team(BIG_TEAM_ONLINE - 1)).row(10)
    big = plan_board(ds, SITES, NOW, lists, team(BIG_TEAM_ONLINE + 2)).row(10)
    assert small.group == big.group == "act"
    assert len(small.helpers) == small.need < BIG_TEAM_ONLINE - 1
    assert len(big.helpers) == big.need == BIG_TEAM_ONLINE + 2
    assert f"all {big.need} of you who can" in big.reason


def test_a_fresh_push_holds_its_place_with_a_big_team():
    # Lifting diary 10 would push ours, lifted ten minutes ago, off the bottom of the list:
    # both pushes wasted. An hour later ours has had its readers, and the lift goes ahead.
    crew = team(BIG_TEAM_ONLINE)
    ds, lists, log = big_team_world(10)
    held = plan_board(ds, SITES, NOW, lists, crew, team_log=log).row(10)
    assert held.group == "watch" and held.helpers == ()
    assert "would push a diary you just lifted off the list" in held.reason
    ds, lists, log = big_team_world(60 * HOLD_HOURS + 30)
    assert plan_board(ds, SITES, NOW, lists, crew, team_log=log).row(10).group == "act"
    # With a handful online the rule is off: each spared hand is the next push's.
    ds, lists, log = big_team_world(10)
    small = plan_board(ds, SITES, NOW, lists, team(5), team_log=log).row(10)
    assert small.group == "act"


def test_budget_limits_the_push_and_teammates_who_recommended_it_are_not_asked():
    ds, lists = listed_world()
    near = diary(10, 10, age_min=30)
    plan = plan_board(ds + [near], SITES, NOW, lists,
                      team(5, recommended={10})[:3] + team(5, budget=0)[3:])
    assert plan.row(10).group == "watch"
    assert plan.row(10).team_could is False


def test_a_logged_recommend_counts_before_the_next_poll():
    ds, lists = listed_world()
    near = diary(10, 8, age_min=30, read_min=2)
    before = plan_board(ds + [near], SITES, NOW, lists, team(5)).row(10)
    logged = {10: [NOW - timedelta(seconds=30)] * 2}
    after = plan_board(ds + [near], SITES, NOW, lists, team(5), team_log=logged).row(10)
    assert after.need == before.need - 2


def test_stale_list_entries_do_not_drag_the_bar_to_zero():
    # #3 is a day old and we stopped reading it: scored from old counts it looks like 0.4.
    ds, lists = listed_world(bottom=20)
    stale = diary(3, 20, age_min=26 * 60, topic=0, read_min=24 * 60)
    world = ds[:2] + [stale, diary(4, 30, 100, topic=0)]
    lists = {"dailykos": RecList("dailykos", NOW, (1, 2, 3))}
    plan = plan_board(world + [diary(10, 2, age_min=20)], SITES, NOW, lists, team(5))
    assert plan.bars["dailykos"].value >= score_of(world[1]) - 1e-9
    assert plan.row(10).group == "watch"


def test_without_a_list_the_bar_is_the_kth_best_fresh_score():
    scores = {1: 50.0, 2: 30.0, 3: 20.0, 4: 5.0, 5: 90.0}
    bar = site_bar(scores, {1, 2, 3, 4}, None, 3, 10.0, NOW)
    assert (bar.value, bar.source, bar.first_off) == (20.0, "kth", 5.0)
    assert site_bar(scores, {1}, None, 3, 10.0, NOW).value == 10.0


def test_protect_a_listed_diary_about_to_drop_off():
    ds, lists = listed_world(bottom=20)
    ours = diary(3, 20, 120, topic=5)
    challenger = diary(12, 19, 120, topic=0)
    plan = plan_board(ds[:2] + [ours, challenger], SITES, NOW, lists, team(4))
    row = plan.row(3)
    assert row.group == "protect" and row.position == 3 and len(row.helpers) == row.need
    assert row.reason.startswith("#3 of 3 on the rec list, drops off in about ")
    assert "4 of you are online" in row.reason


def test_a_diary_gaining_fast_on_its_own_needs_no_help():
    ds, lists = listed_world(bottom=20)
    rising = diary(13, 24, 60, pace_recs=24)
    plan = plan_board(ds + [rising], SITES, NOW, lists, team(4))
    row = plan.row(13)
    assert (row.group, row.need, row.helpers) == ("watch", 0, ())
    assert row.reason == "gaining 24 recs an hour on its own: no help needed"


def test_recs_the_team_gave_are_not_taken_for_the_diary_own_pace():
    # 20 recs in its last hour, a rec short of the bar: on its own it would be over soon,
    # but all 20 were ours, so it still needs the team.
    ds, lists = listed_world(bottom=50)
    pushed = diary(13, 20, 60, pace_recs=20)
    alone = plan_board(ds + [pushed], SITES, NOW, lists, team(4)).row(13)
    assert alone.reason == "gaining 20 recs an hour on its own: no help needed"
    ours = {13: [ago(30)] * 20}
    row = plan_board(ds + [pushed], SITES, NOW, lists, team(4), team_log=ours).row(13)
    assert row.group == "act" and row.need > 0 and row.pace == 0
    assert "on its own" not in row.reason


def test_a_brand_new_diary_is_not_pushed_on_the_strength_of_its_first_recs():
    # 6 recs in its first 10 minutes is a pace of 24 an hour, but only for 10 minutes so
    # far: the team is not asked for a push that counts on 45 more minutes of it.
    ds, lists = listed_world(bottom=36)
    bar = score_of(ds[2])
    new = diary(15, 6, age_min=10, pace_recs=6)
    assert bar - score_of(new) > 5
    row = plan_board(ds + [new], SITES, NOW, lists, team(5)).row(15)
    assert row.group == "watch" and row.helpers == ()


def test_under_a_step_table_a_young_climbing_diary_is_pushed_early():
    # 3 recs in 20 minutes, 6 short of the bar with 3 online: out of reach now. Under the
    # step table a rec given now counts 0.75 until it is an hour old, as much at the
    # diary's peak as one given then, so its free hands push it early; under exponential
    # aging an early rec keeps fading, and past EARLY_AGE_HOURS the rule stops.
    step = {"dailykos": SiteSettings("dailykos", "Daily Kos", rec_slots=3, curve=Curve.step())}
    ds, lists = listed_world(bottom=20)
    young = diary(16, 3, age_min=20, pace_recs=3)
    row = plan_board(ds + [young], step, NOW, lists, team(3)).row(16)
    assert row.group == "act" and set(row.helpers) == {1, 2, 3}
    assert row.reason.startswith("young and climbing: needs about 6 more recs")
    assert plan_board(ds + [young], SITES, NOW, lists, team(3)).row(16).group == "watch"
    older = diary(16, 3, age_min=70, pace_recs=3)
    assert plan_board(ds + [older], step, NOW, lists, team(3)).row(16).group == "watch"


def test_unspent_budget_goes_to_young_diaries_before_the_shift_ends(monkeypatch):
    monkeypatch.setattr(board, "SHIFT_END_HOURS", 10 / 60)  # off by default: see docs
    ds, lists = listed_world()
    young = diary(14, 2, age_min=20)
    leaving = team(2, until=NOW + timedelta(minutes=5))
    plan = plan_board(ds + [young], SITES, NOW, lists, leaving)
    assert plan.row(14).group == "act" and set(plan.row(14).helpers) == {1, 2}
    staying = plan_board(ds + [young], SITES, NOW, lists,
                         team(2, until=NOW + timedelta(hours=2)))
    assert staying.row(14).group == "watch"


def test_step_curve_weights_and_spread():
    curve = Curve.step()
    assert [curve.weight(h) for h in (0, 0.1, 2, 5, 10, 30)] == [1.0, 0.75, 0.5, 0.25, 0.1, 0]
    assert curve.mean_weight(0, 1) == pytest.approx((1 * 5 + 0.75 * 55) / 60)
    exp = Curve.exponential(2)
    assert exp.weight(2) == pytest.approx(0.5)
    assert exp.mean_weight(2, 2) == pytest.approx(0.5)


def test_step_scores_a_diary_by_the_table():
    d = DiaryInput(1, "dailykos", ago(300),
                   1, (Observation(ago(240), 10, 0), Observation(ago(30), 14, 0),
                       Observation(ago(2), 15, 0)))
    assert aged_score(d.observations, NOW, Curve.step()) == pytest.approx(
        10 * 0.25 + 4 * 0.75 + 1 * 1.0)


# --- Properties -----------------------------------------------------------------------

counts = st.integers(0, 60)
ages = st.integers(5, 23 * 60)


@st.composite
def worlds(draw):
    bottom = draw(st.integers(1, 60))
    ds, lists = listed_world(bottom=bottom)
    recs = draw(counts)
    pace = draw(st.integers(0, recs))
    ours = diary(10, recs, draw(ages), pace_recs=pace)
    return ds, lists, ours


def row_need(plan, diary_id):
    row = plan.row(diary_id)
    return 0 if row is None else row.need


@modest
@given(worlds(), st.integers(1, 30), st.integers(0, 12), st.booleans())
def test_more_team_recs_never_raise_the_remaining_need(world, extra, online, logged):
    ds, lists, ours = world
    crew = team(online)
    before = plan_board(ds + [ours], SITES, NOW, lists, crew)
    if logged:
        after = plan_board(ds + [ours], SITES, NOW, lists, crew,
                           team_log={10: [NOW] * extra})
    else:
        last = ours.observations[-1]
        boosted = DiaryInput(10, "dailykos", ours.published_at, ours.topic_score,
                             (*ours.observations[:-1],
                              Observation(last.at, last.recommends + extra, 0)))
        after = plan_board(ds + [boosted], SITES, NOW, lists, crew)
    assert row_need(after, 10) <= row_need(before, 10)


@modest
@given(worlds(), st.integers(0, 12), st.booleans())
def test_unknown_counts_never_get_a_recommend_now_row(world, online, never_read):
    ds, lists, ours = world
    if never_read:
        obs = tuple(Observation(o.at, None, o.comments) for o in ours.observations)
    else:  # read long ago, nothing since
        obs = tuple(Observation(o.at - timedelta(hours=3), o.recommends, o.comments)
                    for o in ours.observations)
    unknown = DiaryInput(10, "dailykos", ours.published_at - timedelta(hours=3), 5.0, obs)
    plan = plan_board(ds + [unknown], SITES, NOW, lists, team(online))
    assert plan.row(10) is None
    assert all(10 not in ids for ids in plan.assignments.values())


@modest
@given(st.integers(1, 40), st.integers(5, 40), st.integers(0, 12))
def test_a_listed_diary_with_a_margin_gets_no_row(bottom, margin, online):
    # Ours is #2 of 3, `margin` recs (2 h old, so margin / 2 in score) above the list's
    # bottom and more above the best diary off the list.
    ds, _ = listed_world(bottom=bottom)
    ours = diary(2, bottom + margin, 120, topic=5)
    challenger = diary(12, max(bottom - margin, 0), 120, topic=0)
    lists = {"dailykos": RecList("dailykos", NOW, (1, 2, 3))}
    plan = plan_board([ds[0], ours, ds[2], challenger], SITES, NOW, lists, team(online))
    assert plan.row(2) is None


@modest
@given(worlds(), st.integers(0, 12), st.booleans())
def test_nobody_online_means_no_recommend_now_row(world, away, shift_ending):
    ds, lists, ours = world
    until = NOW + timedelta(minutes=5) if shift_ending else None
    plan = plan_board(ds + [ours, diary(3, 20, 120, topic=5)], SITES, NOW, lists,
                      team(away, online=False, until=until))
    assert plan.online == 0
    assert [r for r in plan.rows if r.group in ("act", "protect")] == []
    assert plan.assignments == {}


def arriving(ids, starts_in_min):
    return [Teammate(i, 6, None, frozenset(), online=False,
                     online_from=NOW + timedelta(minutes=starts_in_min)) for i in ids]


def test_a_shift_about_to_start_finishes_a_push_that_those_online_begin():
    ds, lists = listed_world()
    near = diary(10, 8, age_min=30)
    gap = score_of(ds[2]) - score_of(near)
    assert 3 < gap < 5  # more than the two online can lift, less than with the next shift
    plan = plan_board(ds + [near], SITES, NOW, lists, team(2) + arriving((7, 8, 9), 10))
    row = plan.row(10)
    assert row.group == "act"
    assert set(row.helpers) == {1, 2}  # only those online now are asked
    assert "the rest from the next shift in 10 min" in row.reason


def test_a_shift_starting_later_does_not_make_a_diary_liftable_now():
    ds, lists = listed_world()
    near = diary(10, 8, age_min=30)
    plan = plan_board(ds + [near], SITES, NOW, lists, team(2) + arriving((7, 8, 9), 120))
    row = plan.row(10)
    assert row.group == "watch" and row.helpers == ()
    assert plan.assignments == {}
