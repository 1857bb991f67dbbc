"""Calls for help decided over the board's plan: which diaries, which pushes, who is told."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.ranking import DiaryInput, Observation, RecList, SiteSettings, Teammate, plan_board
from app.ranking.alerts import (
    alert_text,
    calls_for_help,
    in_reach,
    push_changes,
    recipients,
)
from app.ranking.board import BoardPlan, RecRow

NOW = datetime(2009, 7, 15, 18, 0, tzinfo=UTC)
SITES = {"dailykos": SiteSettings("dailykos", "Daily Kos", rec_slots=3)}
modest = settings(max_examples=150, deadline=None)


def ago(minutes):
    return NOW - timedelta(minutes=minutes)


def diary(diary_id, recs, age_min=60, topic=5.0):
    obs = (Observation(ago(age_min), recs, 0), Observation(ago(0), recs, 0))
    return DiaryInput(diary_id, "dailykos", ago(age_min), topic, obs)


def listed():
    ds = [diary(1, 60, 120, topic=0), diary(2, 40, 120, topic=0), diary(3, 20, 120, topic=0)]
    return ds, {"dailykos": RecList("dailykos", NOW, (1, 2, 3))}


def team(online, away, budget=6):
    return ([Teammate(i, budget, None, frozenset(), True) for i in range(1, online + 1)]
            + [Teammate(i, budget, None, frozenset(), False)
               for i in range(online + 1, online + away + 1)])


def test_a_diary_the_team_could_lift_but_not_those_online_calls_for_help():
    ds, lists = listed()
    far = diary(10, 3, age_min=30)
    few = plan_board(ds + [far], SITES, NOW, lists, team(2, 10))
    [call] = calls_for_help(few)
    assert call.diary_id == 10 and call.group == "watch" and call.need > 2
    # The same diary with the whole team online is theirs to lift: no call.
    assert calls_for_help(plan_board(ds + [far], SITES, NOW, lists, team(12, 0))) == []
    # And with a team too small for it, nobody could: no call either.
    assert calls_for_help(plan_board(ds + [far], SITES, NOW, lists, team(1, 1))) == []


def row(diary_id, group, need=5, team_could=False):
    return RecRow(diary_id, "dailykos", group, need, (), "", 1.0, 10.0, 0.0,
                  team_could=team_could)


rows = st.lists(
    st.builds(row, st.integers(1, 20), st.sampled_from(["act", "protect", "watch"]),
              st.integers(0, 30), st.booleans()),
    max_size=12, unique_by=lambda r: r.diary_id)


def plan_of(rs):
    return BoardPlan(NOW, tuple(rs), (), {}, 2)


@modest
@given(rows)
def test_calls_are_exactly_the_watch_rows_the_team_could_lift_that_still_need_recs(rs):
    calls = calls_for_help(plan_of(rs))
    assert calls == [r for r in rs if r.group == "watch" and r.team_could and r.need > 0]


@modest
@given(st.sets(st.integers(1, 20)), rows)
def test_push_changes_start_only_new_calls_and_end_only_what_fell_out_of_reach(open_ids, rs):
    plan = plan_of(rs)
    changes = push_changes(open_ids, plan)
    started = {r.diary_id for r in changes.start}
    assert not started & open_ids
    assert started <= {r.diary_id for r in calls_for_help(plan)}
    assert set(changes.end) <= open_ids and not set(changes.end) & in_reach(plan)
    # After applying them, every open push is in reach and every call has a push, so the
    # same plan at the next poll changes nothing: at most one push per diary.
    after = (open_ids - set(changes.end)) | started
    assert after >= {r.diary_id for r in calls_for_help(plan)}
    again = push_changes(after, plan)
    assert again.start == () and again.end == ()


@modest
@given(st.sets(st.integers(1, 20)), rows)
def test_a_push_goes_on_while_those_online_lift_it(open_ids, rs):
    acting = {r.diary_id for r in rs if r.group == "act"}
    changes = push_changes(open_ids, plan_of(rs))
    assert not set(changes.end) & acting


teammates = st.lists(
    st.builds(Teammate, st.integers(1, 15), st.just(6), st.none(),
              st.frozensets(st.integers(1, 20), max_size=3), st.booleans()),
    max_size=10, unique_by=lambda t: t.user_id)


@modest
@given(rows, teammates, st.sets(st.integers(1, 15)),
       st.dictionaries(st.integers(1, 15), st.integers(0, 5)), st.integers(0, 5))
def test_recipients_opted_in_away_within_their_hourly_limit(rs, crew, opted, sent, per_hour):
    calls = calls_for_help(plan_of(rs))
    chosen = recipients(calls, crew, opted, {}, sent, per_hour)
    by_id = {t.user_id: t for t in crew}
    counts = dict(sent)
    for diary_id, users in chosen.items():
        assert len(set(users)) == len(users)
        for uid in users:
            t = by_id[uid]
            assert uid in opted and not t.online and diary_id not in t.recommended
            counts[uid] = counts.get(uid, 0) + 1
    for uid in {u for users in chosen.values() for u in users}:
        assert counts[uid] <= per_hour


@modest
@given(rows, teammates)
def test_nobody_is_told_twice_about_one_push(rs, crew):
    calls = calls_for_help(plan_of(rs))
    everyone = {t.user_id for t in crew}
    first = recipients(calls, crew, everyone, {}, {}, 100)
    already = {d: frozenset(users) for d, users in first.items()}
    second = recipients(calls, crew, everyone, already, {}, 100)
    assert all(users == () for users in second.values())


def test_an_opted_out_teammate_is_never_chosen():
    calls = [row(10, "watch", 6, True)]
    crew = team(0, 3)
    assert recipients(calls, crew, {1, 3}, {}, {}, 3) == {10: (1, 3)}
    assert recipients(calls, crew, set(), {}, {}, 3) == {10: ()}


def test_the_alert_speaks_in_recs_and_minutes():
    assert alert_text("Single payer now", "Daily Kos", 6, 2) == (
        "\u201cSingle payer now\u201d on Daily Kos needs ~6 more recs in the next 15 min to "
        "reach the rec list \u2014 2 of you are online; it needs you.")
    assert "~1 more rec in" in alert_text("T", "MyDD", 1, 1)
    assert "1 of you is online" in alert_text("T", "MyDD", 1, 1)
    assert "nobody on the team is online" in alert_text("T", "MyDD", 3, 0)
