"""build_week: the data object for a seeded week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.digest.build import build_week
from app.digest.weeks import last_full_week, latest_send_time, parse_week, week_for_send
from app.errors import ValidationError
from tests.digest.seed import SEND_AT, WEEK, WEEK_END, WEEK_START, seed_week


def test_weeks_are_monday_to_monday_in_the_team_zone():
    week = parse_week("2026-W47", "America/Los_Angeles")
    assert (week.start, week.end) == (WEEK_START, WEEK_END)
    assert week.previous("America/Los_Angeles").label == "2026-W46"
    assert parse_week("2020-W53", "UTC").label == "2020-W53"


@pytest.mark.parametrize("bad", ["", "2026-47", "2026-W7", "W47", "2026-W54", "2026-W00",
                                 "2025-W53", "2026-w47x"])
def test_bad_week_strings_are_refused_with_the_format(bad):
    with pytest.raises(ValidationError, match="week must look like 2026-W47"):
        parse_week(bad, "America/Los_Angeles")


def test_latest_send_time_is_monday_8am_los_angeles_for_the_week_just_ended():
    zone = "America/Los_Angeles"
    assert latest_send_time(SEND_AT, 0, "08:00", zone) == SEND_AT
    just_before = SEND_AT - timedelta(minutes=1)
    assert latest_send_time(just_before, 0, "08:00", zone) == datetime(2026, 11, 16, 16, 0,
                                                                        tzinfo=UTC)
    assert week_for_send(SEND_AT, zone).label == WEEK
    assert last_full_week(datetime(2026, 11, 25, tzinfo=UTC), zone).label == WEEK


def test_seeded_week_made_the_list_near_miss_and_per_site(db_session, config):
    s = seed_week(db_session)
    d = build_week(db_session, WEEK, SEND_AT, config)
    assert d.week == WEEK and d.start == WEEK_START
    # Health-care diaries published in the week only: not the off-topic one, not last week's.
    assert d.diaries_count == 5
    assert [r.title for r in d.made] == ["Medicare for all: the vote count",
                                         "SiCKO screening tonight"]
    assert [r.title for r in d.near] == ["Single payer in California"]
    near = d.near[0]
    assert near.missed_by == 2 and near.outcome == "missed the rec list by ~2 recs"
    dk = next(w for w in d.sites if w.site_name == "Daily Kos")
    assert (dk.total, dk.made, dk.near) == (4, 2, 1)
    # By impact (recs + comments), as the old "High Impact Diaries" lists.
    assert [r.impact for r in dk.top] == [23, 12, 5, 1]
    assert [w.site_name for w in d.sites] == ["Daily Kos", "MyDD"]
    assert s.flop.id not in {r.diary_id for r in d.made + d.near}


def test_seeded_week_team_actions_and_contributors(db_session, config):
    seed_week(db_session)
    d = build_week(db_session, WEEK, SEND_AT, config)
    assert d.actions_count == 6  # the action in the following week is not counted
    assert d.boosted_count == 3
    assert [(c.label, c.count) for c in d.actions_by_kind] == [
        ("recommend", 3), ("comment", 2), ("crosspost", 1)]
    assert [(c.label, c.count) for c in d.actions_by_site] == [("Daily Kos", 5), ("MyDD", 1)]
    assert [(c.name, c.total, c.recommends, c.comments, c.crossposts)
            for c in d.contributors] == [("Alice", 4, 2, 2, 0), ("Bob", 2, 1, 0, 1)]
    top = d.helped[0]
    assert (top.diary.title, top.actions, top.helpers, top.diary.outcome) == (
        "Medicare for all: the vote count", 4, 2, "made the rec list")
    # A diary from the week before still shows what the team's help led to.
    assert "Last week's insurer story" in [h.diary.title for h in d.helped]
    assert [(x.from_site, x.to_site, x.url, x.by) for x in d.crossposts] == [
        ("Daily Kos", "MyDD", "https://mydd.example/diary/copy-1", "Bob")]


def test_feeds_in_trouble_and_no_shifts(db_session, config):
    seed_week(db_session)
    d = build_week(db_session, WEEK, SEND_AT, config)
    problems = {f.url: f.problem for f in d.feed_trouble}
    assert problems["https://dk.example/failing.xml"].startswith("failing: 7 errors in a row")
    assert problems["https://mydd.example/off.xml"] == "disabled: moved to a new address"
    assert problems["https://mydd.example/slow.xml"].startswith("slowed down: next poll in 8 h")
    assert len(problems) == 3
    # No shifts planned: the shifts part is empty, and building still works.
    assert (d.shifts_ahead, d.open_places, d.coverage_gaps) == (0, (), ())


def test_young_diaries_are_ranked_with_the_dashboard_reason(db_session, config, make_site,
                                                            make_diary, make_metric):
    site = make_site(name="Calitics")
    fresh = make_diary(site, title="Fresh public option diary",
                       published_at=SEND_AT - timedelta(hours=2))
    make_metric(fresh, at=SEND_AT - timedelta(hours=1), recommends=2, comments=0)
    d = build_week(db_session, WEEK, SEND_AT, config)
    assert [y.title for y in d.young] == ["Fresh public option diary"]
    assert "rec" in d.young[0].reason


def test_an_empty_week_builds(db_session, config):
    d = build_week(db_session, "2026-W10", SEND_AT, config)
    assert (d.diaries_count, d.actions_count, d.made, d.helped) == (0, 0, (), ())


def test_open_places_and_thin_hours_for_the_coming_week(db_session, config):
    from models import Shift, ShiftAssignment

    s = seed_week(db_session)
    shift = Shift(site_id=s.dk.id, starts_at=SEND_AT + timedelta(days=1),
                  ends_at=SEND_AT + timedelta(days=1, hours=2), focus="recommend", places=2)
    db_session.add(shift)
    db_session.flush()
    db_session.add(ShiftAssignment(shift_id=shift.id, user_id=s.alice.id))
    db_session.flush()
    d = build_week(db_session, WEEK, SEND_AT, config)
    assert d.shifts_ahead == 1
    assert [(p.site_name, p.starts_at, p.focus, p.open_count) for p in d.open_places] == [
        ("Daily Kos", SEND_AT + timedelta(days=1), "recommend", 1)]
    # Busy hours are those the sites posted in last week; Alice covers the coming Tuesday
    # 16:00 UTC, every other busy hour has nobody on.
    gaps = {(g.site_name, g.starts_at): g.people_on for g in d.coverage_gaps}
    assert gaps[("Daily Kos", SEND_AT + timedelta(days=1))] == 1
    assert sorted(gaps.values()) == [0] * (len(gaps) - 1) + [1]
    assert all(d.ahead_start <= start < d.ahead_end for _, start in gaps)
