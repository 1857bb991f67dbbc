"""The personal iCalendar feed, parsed back with the icalendar library."""

from datetime import UTC, datetime, timedelta

import icalendar

from app.shifts import calendar
from app.shifts import service as svc
from tests.shifts.conftest import LA, NOW


def events_of(db_session, user, now=NOW):
    body = calendar.user_calendar(db_session, user, now, "https://boost.example")
    cal = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}, body.decode()


def test_feed_has_one_event_per_place_with_stable_uid_utc_times_and_alarm(
        db_session, plan, make_site, make_user):
    blogger = make_user(timezone="Europe/Berlin")
    site = make_site(name="Daily Kos")
    shift = plan("2026-11-18 18:00", "21:00", site=site, focus="comment",
                 note="Comment on the SiCKO diaries")
    place = svc.claim(db_session, user=blogger, shift_id=shift.id, now=NOW)
    events, raw = events_of(db_session, blogger)
    uid = f"shift-{shift.id}-place-{place.id}@diaryboost"
    assert list(events) == [uid]
    event = events[uid]
    assert event.decoded("DTSTART") == datetime(2026, 11, 19, 2, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 11, 19, 5, tzinfo=UTC)
    assert "DTSTART:20261119T020000Z" in raw and "DTEND:20261119T050000Z" in raw
    assert str(event["SUMMARY"]) == "diaryboost shift: Daily Kos · comment"
    assert "Comment on the SiCKO diaries" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED" and int(event["SEQUENCE"]) == 0
    [alarm] = event.walk("VALARM")
    # The user's reminder setting (60 minutes by default), like the reminder email.
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=60)


def test_the_alarm_follows_the_users_reminder_minutes_and_none_when_off(
        db_session, plan, make_user):
    early = make_user(shift_reminder_minutes=15)
    off = make_user(shift_reminder_minutes=0)
    shift = plan("2026-11-18 18:00", "21:00", places=2)
    for user in (early, off):
        svc.claim(db_session, user=user, shift_id=shift.id, now=NOW)
    [event] = events_of(db_session, early)[0].values()
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=15)
    assert "starts in 15 minutes" in str(alarm["DESCRIPTION"])
    [event] = events_of(db_session, off)[0].values()
    assert event.walk("VALARM") == []


def test_changes_bump_sequence_and_cancelled_or_dropped_places_show_cancelled(
        db_session, plan, make_user, coordinator):
    blogger = make_user()
    series = plan("2026-11-20 18:00", "21:00", repeat="daily", count=3)
    for shift in series:
        svc.assign(db_session, by=coordinator, shift_id=shift.id, user_id=blogger.id, now=NOW)
    events, _ = events_of(db_session, blogger)
    uids = list(events)
    assert len(uids) == 3 and len(set(uids)) == 3
    svc.update_shifts(db_session, series[0].id, by=coordinator, scope="one", site_id=None,
                      start_local=datetime(2026, 11, 20, 19),
                      end_local=datetime(2026, 11, 20, 22), zone=LA, focus="any", places=1,
                      note=None, now=NOW)
    svc.cancel_shifts(db_session, series[1].id, by=coordinator, scope="one", now=NOW)
    svc.drop(db_session, user=blogger, shift_id=series[2].id, now=NOW, cutoff_hours=3)
    after, _ = events_of(db_session, blogger)
    assert list(after) == uids  # same UIDs: calendars update the events in place
    moved, cancelled, dropped = (after[uid] for uid in uids)
    assert moved.decoded("DTSTART") == datetime(2026, 11, 21, 3, tzinfo=UTC)
    assert [str(e["STATUS"]) for e in (moved, cancelled, dropped)] == \
        ["CONFIRMED", "CANCELLED", "CANCELLED"]
    assert all(int(after[uid]["SEQUENCE"]) > int(events[uid]["SEQUENCE"]) for uid in uids)
    assert cancelled.walk("VALARM") == []
    # Claiming the dropped place again reuses its UID with a higher sequence.
    svc.claim(db_session, user=blogger, shift_id=series[2].id, now=NOW)
    again, _ = events_of(db_session, blogger)
    assert str(again[uids[2]]["STATUS"]) == "CONFIRMED"
    assert int(again[uids[2]]["SEQUENCE"]) > int(dropped["SEQUENCE"])


def test_feed_keeps_30_days_of_history(db_session, plan, make_user):
    blogger = make_user()
    old = plan("2026-10-01 18:00", "21:00", now=NOW - timedelta(days=60))
    svc.claim(db_session, user=blogger, shift_id=old.id, now=NOW - timedelta(days=60))
    assert events_of(db_session, blogger)[0] == {}
    assert len(events_of(db_session, blogger, now=NOW - timedelta(days=50))[0]) == 1
