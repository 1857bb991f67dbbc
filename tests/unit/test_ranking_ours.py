"""Our own diaries in plan_board: marked, first in their group when the team prefers them,
never moved to another group."""

import dataclasses
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.ranking import DiaryInput, Observation, RecList, SiteSettings, Teammate, plan_board

NOW = datetime(2009, 7, 15, 18, 0, tzinfo=UTC)
SITES = {"dailykos": SiteSettings("dailykos", "Daily Kos", rec_slots=3)}
LIST = {"dailykos": RecList("dailykos", NOW, (1, 2, 3))}


def ago(minutes):
    return NOW - timedelta(minutes=minutes)


def diary(diary_id, recs, age_min=60, topic=5.0, ours=False):
    # Recs already there at the first poll an hour ago: no pace of its own to wait for.
    obs = (Observation(ago(age_min), recs, 0), Observation(NOW, recs, 0))
    return DiaryInput(diary_id, "dailykos", ago(age_min), topic, obs, ours=ours)


def listed():
    # Three off-topic diaries on the list, close together (aged scores 11, 10.5, 10):
    # after one push the next to beat is only a little higher, so two can be pushed at once.
    return [DiaryInput(i, "dailykos", ago(120), 0.0,
                       (Observation(ago(120), recs, 0), Observation(NOW, recs, 0)))
            for i, recs in ((1, 22), (2, 21), (3, 20))]


def team(n, budget=6):
    return [Teammate(i, budget) for i in range(1, n + 1)]


def world(ours_ids):
    # Two within reach (act) and two far off (watch); the cheaper of each pair first.
    ds = [diary(10, 13), diary(11, 12), diary(20, 2), diary(21, 1)]
    return listed() + [dataclasses.replace(d, ours=d.diary_id in ours_ids) for d in ds]


def groups(plan):
    return [(r.diary_id, r.group) for r in plan.rows]


def test_ours_rows_are_marked_and_order_is_unchanged_without_the_preference():
    plain = plan_board(world(set()), SITES, NOW, LIST, team(5))
    marked = plan_board(world({11, 21}), SITES, NOW, LIST, team(5))
    assert groups(marked) == groups(plain)
    assert [r.diary_id for r in marked.rows if r.ours] == [11, 21]
    assert not any(r.ours for r in plain.rows)


def test_prefer_ours_puts_ours_first_within_each_group():
    plain = plan_board(world({11, 21}), SITES, NOW, LIST, team(5))
    assert groups(plain) == [(10, "act"), (11, "act"), (20, "watch"), (21, "watch")]
    preferred = plan_board(world({11, 21}), SITES, NOW, LIST, team(5), prefer_ours=True)
    assert groups(preferred) == [(11, "act"), (10, "act"), (21, "watch"), (20, "watch")]
    # Same asks of the same people: only the order changed.
    assert {r.diary_id: (r.need, r.helpers) for r in preferred.rows} == \
        {r.diary_id: (r.need, r.helpers) for r in plain.rows}


def test_prefer_ours_never_promotes_a_watch_row_to_act():
    # Ours is far off the bar: it stays a watch row below every act row, asking nobody.
    preferred = plan_board(world({21}), SITES, NOW, LIST, team(5), prefer_ours=True)
    row = preferred.row(21)
    assert row.group == "watch" and row.helpers == () and row.ours
    assert groups(preferred).index((21, "watch")) > groups(preferred).index((11, "act"))
    assert all(21 not in ids for ids in preferred.assignments.values())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(5, 600), st.booleans()),
                min_size=1, max_size=8),
       st.integers(0, 8))
def test_prefer_ours_keeps_every_rows_group_and_ask(specs, online):
    ds = listed() + [diary(100 + i, recs, age, ours=ours)
                     for i, (recs, age, ours) in enumerate(specs)]
    plain = plan_board(ds, SITES, NOW, LIST, team(online))
    preferred = plan_board(ds, SITES, NOW, LIST, team(online), prefer_ours=True)
    assert sorted(preferred.rows, key=lambda r: r.diary_id) == \
        sorted(plain.rows, key=lambda r: r.diary_id)
    order = {"act": 0, "protect": 1, "watch": 2}
    keys = [(order[r.group], not r.ours) for r in preferred.rows]
    assert keys == sorted(keys)
