"""The shift date rules as plain functions: no database, no clock. Repeats, overnight
ends, lengths across daylight-saving changes, and the coverage week's span."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.errors import ValidationError
from app.shifts.coverage import hour_of_week, window
from app.shifts.service import (
    MAX_OCCURRENCES,
    _end_of,
    _not_past,
    _span,
    occurrence_dates,
    to_utc,
)

LA = ZoneInfo("America/Los_Angeles")
MON = date(2026, 11, 16)  # a Monday


def test_a_single_shift_is_its_own_date():
    assert occurrence_dates(MON, None) == [MON]


def test_daily_weekdays_and_weekly_repeats():
    assert occurrence_dates(MON, "daily", count=3) == [MON + timedelta(days=n) for n in range(3)]
    # Weekdays skip Saturday and Sunday, and the count counts only the dates kept.
    weekdays = occurrence_dates(date(2026, 11, 19), "weekdays", count=4)
    assert [d.strftime("%a") for d in weekdays] == ["Thu", "Fri", "Mon", "Tue"]
    weekly = occurrence_dates(MON, "weekly", until=MON + timedelta(days=21))
    assert weekly == [MON, MON + timedelta(days=7), MON + timedelta(days=14),
                      MON + timedelta(days=21)]  # the end date is included


def test_count_and_until_together_stop_at_whichever_comes_first():
    assert len(occurrence_dates(MON, "daily", count=10, until=MON + timedelta(days=2))) == 3
    assert len(occurrence_dates(MON, "daily", count=2, until=MON + timedelta(days=9))) == 2


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(repeat="monthly", count=2), "Repeat must be one of"),
    (dict(repeat="daily"), "needs a number of times or an end date"),
    (dict(repeat="daily", count=0), "Repeat between 1 and"),
    (dict(repeat="daily", count=MAX_OCCURRENCES + 1), "Repeat between 1 and"),
    (dict(repeat="daily", until=MON - timedelta(days=1)), "before the first shift"),
    (dict(repeat="daily", until=MON + timedelta(days=MAX_OCCURRENCES)), "more than"),
    (dict(repeat="daily", until=date(3000, 1, 1)), "Until must be between"),
])
def test_repeats_that_cannot_be_made_are_refused(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        occurrence_dates(MON, **kwargs)


def test_a_weekend_only_weekdays_repeat_has_no_dates():
    saturday = date(2026, 11, 21)
    with pytest.raises(ValidationError, match="contains no dates"):
        occurrence_dates(saturday, "weekdays", until=saturday + timedelta(days=1))


def test_an_end_before_the_start_is_the_next_day_only_when_marked_overnight():
    start, end = datetime(2026, 11, 16, 22, 0), datetime(2026, 11, 16, 2, 0)
    assert _end_of(start, end, overnight=True) == datetime(2026, 11, 17, 2, 0)
    with pytest.raises(ValidationError, match="overnight shift"):
        _end_of(start, end, overnight=False)
    same_day = datetime(2026, 11, 16, 23, 0)
    assert _end_of(start, same_day, overnight=False) == same_day


def test_wall_clock_times_become_utc_in_the_coordinators_zone():
    assert to_utc(datetime(2026, 11, 16, 18, 0), LA) == datetime(2026, 11, 17, 2, 0, tzinfo=UTC)
    assert to_utc(datetime(2026, 7, 16, 18, 0), LA) == datetime(2026, 7, 17, 1, 0, tzinfo=UTC)


def test_a_shift_across_a_daylight_saving_change_lasts_the_real_hours():
    # 2026-11-01 01:00 PDT falls back to 01:00 PST: 00:00-04:00 local lasts 5 hours.
    start, end = _span(datetime(2026, 11, 1, 0, 0), datetime(2026, 11, 1, 4, 0), LA)
    assert end - start == timedelta(hours=5)
    # 2026-03-08 02:00 PST springs forward to 03:00 PDT: 00:00-04:00 local lasts 3 hours.
    start, end = _span(datetime(2026, 3, 8, 0, 0), datetime(2026, 3, 8, 4, 0), LA)
    assert end - start == timedelta(hours=3)


def test_a_shift_must_end_after_it_starts_and_last_at_most_twelve_hours():
    with pytest.raises(ValidationError, match="end after it starts"):
        _span(datetime(2026, 11, 16, 18, 0), datetime(2026, 11, 16, 18, 0), LA)
    assert _span(datetime(2026, 11, 16, 6, 0), datetime(2026, 11, 16, 18, 0), LA)
    with pytest.raises(ValidationError, match="would last 13 hours"):
        _span(datetime(2026, 11, 16, 6, 0), datetime(2026, 11, 16, 19, 0), LA)
    # Twelve hours on the wall clock are thirteen on the night the clocks fall back.
    with pytest.raises(ValidationError, match="would last 13 hours"):
        _span(datetime(2026, 10, 31, 20, 0), datetime(2026, 11, 1, 8, 0), LA)


def test_a_shift_may_not_start_in_the_past():
    now = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)
    _not_past(now, LA, now)  # starting right now is fine
    with pytest.raises(ValidationError, match="start in the past"):
        _not_past(now - timedelta(minutes=1), LA, now)


def test_the_coverage_week_is_seven_local_days_even_across_a_clock_change():
    start, end = window(date(2026, 10, 26), LA)  # the week that falls back
    assert start == datetime(2026, 10, 26, 7, 0, tzinfo=UTC)  # midnight PDT
    assert end == datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # midnight PST
    assert end - start == timedelta(days=7, hours=1)


def test_hour_of_week_counts_from_monday_midnight_utc():
    assert hour_of_week(datetime(2026, 11, 16, 0, 30, tzinfo=UTC)) == 0
    assert hour_of_week(datetime(2026, 11, 22, 23, 0, tzinfo=UTC)) == 167
    # Read in UTC whatever the zone it is given in: Sunday 17:00 PST is Monday 01:00 UTC.
    assert hour_of_week(datetime(2026, 11, 22, 17, 0, tzinfo=LA)) == 1
