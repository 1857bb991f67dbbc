"""Planning, repeating, editing, cancelling, claiming and dropping shifts."""

from datetime import UTC, datetime, timedelta

import pytest

from app.errors import Conflict, PermissionDenied, ValidationError
from app.shifts import service as svc
from tests.shifts.conftest import BERLIN, LA, NOW


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_a_shift_is_stored_in_utc_from_the_coordinators_wall_clock(plan, make_site):
    site = make_site(name="Daily Kos")
    shift = plan("2026-11-17 18:00", "21:00", site=site, focus="recommend", places=2,
                 note="  push the SiCKO diaries  ")
    assert (shift.starts_at, shift.ends_at) == (utc(2026, 11, 18, 2), utc(2026, 11, 18, 5))
    assert shift.note == "push the SiCKO diaries" and shift.series_id is None
    # A teammate in Berlin reads the same shift at their own local time.
    assert svc.describe(shift, BERLIN) == "Daily Kos, Wed 18 Nov 03:00–06:00 CET"
    assert svc.describe(shift, LA) == "Daily Kos, Tue 17 Nov 18:00–21:00 PST"


def test_weekly_series_keeps_18h_local_across_the_november_dst_change(plan):
    series = plan("2026-10-20 18:00", "21:00", repeat="weekly", count=4, now=utc(2026, 10, 1))
    assert len({s.series_id for s in series}) == 1 and series[0].series_id
    local = [s.starts_at.astimezone(LA).strftime("%Y-%m-%d %H:%M") for s in series]
    assert local == ["2026-10-20 18:00", "2026-10-27 18:00", "2026-11-03 18:00",
                     "2026-11-10 18:00"]
    # PDT (UTC-7) before 1 November, PST (UTC-8) after: the UTC hour moves, not the local one.
    assert [s.starts_at.hour for s in series] == [1, 1, 2, 2]
    assert all(s.ends_at - s.starts_at == timedelta(hours=3) for s in series)


def test_weekdays_repeat_skips_weekends_and_stops_at_until(plan):
    series = plan("2026-11-20 18:00", "21:00", repeat="weekdays",
                  until=datetime(2026, 11, 27).date())
    days = [s.starts_at.astimezone(LA).strftime("%a %d") for s in series]
    assert days == ["Fri 20", "Mon 23", "Tue 24", "Wed 25", "Thu 26", "Fri 27"]


def test_an_overnight_shift_ends_the_next_day(plan):
    shift = plan("2026-11-17 22:00", "01:00", overnight=True)
    assert shift.ends_at - shift.starts_at == timedelta(hours=3)


def test_repeat_needs_a_count_or_end_date(plan):
    with pytest.raises(ValidationError, match="number of times or an end date"):
        plan(repeat="daily")


def test_a_blogger_cannot_plan_or_assign(plan, make_user, db_session):
    blogger = make_user()
    with pytest.raises(PermissionDenied):
        plan(by=blogger)
    shift = plan()
    with pytest.raises(PermissionDenied):
        svc.assign(db_session, by=blogger, shift_id=shift.id, user_id=blogger.id, now=NOW)


def test_claim_drop_and_claim_again_reuses_the_same_place(plan, make_user, db_session):
    blogger = make_user()
    shift = plan("2026-11-18 18:00", "21:00", places=2)
    first = svc.claim(db_session, user=blogger, shift_id=shift.id, now=NOW)
    assert svc.open_count(shift) == 1
    dropped = svc.drop(db_session, user=blogger, shift_id=shift.id, now=NOW, cutoff_hours=3)
    assert dropped.released_at == NOW and dropped.sequence == 1
    again = svc.claim(db_session, user=blogger, shift_id=shift.id, now=NOW)
    assert again.id == first.id and again.released_at is None and again.sequence == 2
    assert len(shift.assignments) == 1


def test_drop_is_refused_too_close_to_the_start(plan, make_user, db_session):
    blogger = make_user()
    shift = plan("2026-11-17 10:00", "12:00")  # starts 2 h after NOW
    svc.claim(db_session, user=blogger, shift_id=shift.id, now=NOW)
    with pytest.raises(Conflict, match="up to 3 hours before a shift begins"):
        svc.drop(db_session, user=blogger, shift_id=shift.id, now=NOW, cutoff_hours=3)
    # A coordinator can still take them off.
    coordinator = shift.created_by
    svc.unassign(db_session, by=coordinator, shift_id=shift.id, user_id=blogger.id, now=NOW)
    assert svc.open_count(shift) == 1


def test_a_full_shift_cannot_be_claimed(plan, make_user, db_session):
    shift = plan(places=1)
    svc.claim(db_session, user=make_user(), shift_id=shift.id, now=NOW)
    with pytest.raises(Conflict, match=r"full \(1 of 1"):
        svc.claim(db_session, user=make_user(), shift_id=shift.id, now=NOW)


def test_overlapping_shifts_are_refused_naming_the_clash(plan, make_user, make_site,
                                                         db_session, coordinator):
    blogger = make_user(timezone="Europe/Berlin")
    first = plan("2026-11-17 18:00", "21:00", site=make_site(name="MyDD"))
    second = plan("2026-11-17 20:00", "22:00")
    svc.claim(db_session, user=blogger, shift_id=first.id, now=NOW)
    with pytest.raises(Conflict) as err:
        svc.claim(db_session, user=blogger, shift_id=second.id, now=NOW)
    assert "You already hold an overlapping shift: MyDD, Wed 18 Nov 03:00–06:00 CET" \
        in err.value.message
    with pytest.raises(Conflict, match="holds an overlapping shift: MyDD, Tue 17 Nov 18:00"):
        svc.assign(db_session, by=coordinator, shift_id=second.id, user_id=blogger.id, now=NOW)
    # Back-to-back is fine.
    third = plan("2026-11-17 21:00", "23:00")
    svc.claim(db_session, user=blogger, shift_id=third.id, now=NOW)


def test_editing_the_rest_of_a_series_moves_wall_clock_times_and_bumps_sequences(
        plan, make_user, db_session, coordinator):
    blogger = make_user()
    series = plan("2026-10-27 18:00", "21:00", repeat="weekly", count=3, now=utc(2026, 10, 1))
    svc.assign(db_session, by=coordinator, shift_id=series[2].id, user_id=blogger.id,
               now=utc(2026, 10, 1))
    change = svc.update_shifts(
        db_session, series[1].id, by=coordinator, scope="future", site_id=None,
        start_local=datetime(2026, 11, 3, 19, 0), end_local=datetime(2026, 11, 3, 22, 0),
        zone=LA, focus="comment", places=2, note="comments please", now=utc(2026, 10, 1))
    assert [s.id for s in change.shifts] == [series[1].id, series[2].id]
    assert series[0].starts_at.astimezone(LA).hour == 18 and series[0].sequence == 0
    assert [s.starts_at.astimezone(LA).strftime("%d %H:%M") for s in series[1:]] == \
        ["03 19:00", "10 19:00"]
    assert all(s.sequence == 1 and s.focus == "comment" for s in series[1:])
    assert series[2].assignments[0].sequence == 1
    assert [(n.kind, n.assignment_id) for n in change.notices] == \
        [("changed", series[2].assignments[0].id)]


def test_cancelling_one_or_the_future_of_a_series(plan, db_session, coordinator):
    series = plan("2026-11-18 18:00", "21:00", repeat="daily", count=4)
    svc.cancel_shifts(db_session, series[0].id, by=coordinator, scope="one", now=NOW)
    assert series[0].cancelled_at == NOW and series[0].sequence == 1
    svc.cancel_shifts(db_session, series[2].id, by=coordinator, scope="future", now=NOW)
    assert [s.cancelled_at is not None for s in series] == [True, False, True, True]
    with pytest.raises(Conflict, match="cancelled"):
        svc.claim(db_session, user=coordinator, shift_id=series[3].id, now=NOW)


def test_lowering_places_below_the_people_on_it_is_refused(plan, make_user, db_session,
                                                         coordinator):
    shift = plan(places=2)
    for _ in range(2):
        svc.claim(db_session, user=make_user(), shift_id=shift.id, now=NOW)
    with pytest.raises(Conflict, match="unassign someone"):
        svc.update_shifts(db_session, shift.id, by=coordinator, site_id=None,
                          start_local=datetime(2026, 11, 17, 18),
                          end_local=datetime(2026, 11, 17, 21),
                          zone=LA, focus="any", places=1, note=None, now=NOW)


def test_my_shifts_and_open_shifts(plan, make_user, db_session):
    blogger = make_user()
    past = plan("2026-11-16 18:00", "21:00", now=NOW - timedelta(days=2))
    svc.claim(db_session, user=blogger, shift_id=past.id, now=NOW - timedelta(days=2))
    mine = plan("2026-11-18 18:00", "21:00")
    svc.claim(db_session, user=blogger, shift_id=mine.id, now=NOW)
    other = plan("2026-11-19 18:00", "21:00")
    result = svc.my_shifts(db_session, blogger, NOW)
    assert [a.shift_id for a in result.upcoming] == [mine.id]
    assert [a.shift_id for a in result.recent] == [past.id]
    assert [s.id for s in svc.open_shifts(db_session, blogger, NOW)] == [other.id]
