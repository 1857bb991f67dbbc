"""Shifts without surprises: refused past dates, explicit overnight shifts, a 12-hour cap,
cancels that say what they hit and can be undone, claiming a whole series, and a coverage
grid that agrees with the gap list above it."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.errors import Conflict, ValidationError
from app.shifts import coverage
from app.shifts import service as svc
from models import Shift
from tests.conftest import csrf_from
from tests.shifts.conftest import LA, NOW
from tests.shifts.test_shifts_coverage import on_shift, posts


def utc(*args):
    return datetime(*args, tzinfo=UTC)


# Planning -------------------------------------------------------------------

def test_a_shift_in_the_past_is_refused_not_created_and_hidden(plan, db_session):
    with pytest.raises(ValidationError, match="would start in the past"):
        plan("2026-11-16 18:00", "21:00")  # yesterday evening in Los Angeles
    with pytest.raises(ValidationError, match="in the past"):
        plan("2026-11-17 07:00", "09:00")  # started an hour ago
    assert db_session.scalars(select(Shift)).all() == []


def test_end_before_start_is_refused_unless_marked_overnight(plan, db_session):
    with pytest.raises(ValidationError, match=r"ends \(18:00\) before it starts \(20:00\)"):
        plan("2026-11-17 20:00", "18:00")
    shift = plan("2026-11-17 23:00", "03:00", overnight=True)
    assert (shift.starts_at.astimezone(LA).day, shift.ends_at.astimezone(LA).day) == (17, 18)
    assert shift.ends_at - shift.starts_at == timedelta(hours=4)


@pytest.mark.parametrize("start, end, overnight", [
    ("2026-11-17 20:00", "18:00", True),   # the 22-hour typo, even when ticked overnight
    ("2026-11-17 09:00", "21:30", False),  # 12.5 hours in one day
])
def test_shifts_over_twelve_hours_are_refused(plan, start, end, overnight):
    with pytest.raises(ValidationError, match="at most 12 hours"):
        plan(start, end, overnight=overnight)


def test_editing_a_shift_into_the_past_is_refused(plan, db_session, coordinator):
    shift = plan("2026-11-18 18:00", "21:00")
    with pytest.raises(ValidationError, match="in the past"):
        svc.update_shifts(db_session, shift.id, by=coordinator, site_id=None,
                          start_local=datetime(2026, 11, 16, 18),
                          end_local=datetime(2026, 11, 16, 21),
                          zone=LA, focus="any", places=1, note=None, now=NOW)


# Cancelling and undoing -------------------------------------------------------

def test_cancel_plan_counts_shifts_and_people_then_undo_restores_them(
        plan, make_user, db_session, coordinator):
    ann, bob = make_user(display_name="Ann"), make_user(display_name="Bob")
    series = plan("2026-11-18 18:00", "21:00", repeat="daily", count=4, places=2)
    svc.claim(db_session, user=ann, shift_id=series[1].id, now=NOW)
    svc.claim(db_session, user=bob, shift_id=series[3].id, now=NOW)
    svc.claim(db_session, user=bob, shift_id=series[0].id, now=NOW)

    preview = svc.cancel_plan(db_session, series[1].id, by=coordinator, scope="future")
    assert [s.id for s in preview.shifts] == [s.id for s in series[1:]]
    assert [u.display_name for u in preview.people] == ["Ann", "Bob"]
    assert all(s.cancelled_at is None for s in series)  # a preview changes nothing

    svc.cancel_shifts(db_session, series[1].id, by=coordinator, scope="future", now=NOW)
    later = NOW + timedelta(minutes=svc.UNDO_MINUTES - 1)
    change = svc.restore_shifts(db_session, series[2].id, by=coordinator, now=later)
    assert sorted(s.id for s in change.shifts) == [s.id for s in series[1:]]
    assert all(s.cancelled_at is None and len(svc.active(s)) == 1
               for s in (series[1], series[3]))
    assert sorted(n.kind for n in change.notices) == ["restored", "restored"]


def test_undo_only_takes_back_that_cancel_and_only_for_a_few_minutes(
        plan, db_session, coordinator):
    series = plan("2026-11-18 18:00", "21:00", repeat="daily", count=3)
    svc.cancel_shifts(db_session, series[2].id, by=coordinator, scope="one", now=NOW)
    second = NOW + timedelta(minutes=1)
    svc.cancel_shifts(db_session, series[0].id, by=coordinator, scope="one", now=second)
    svc.restore_shifts(db_session, series[0].id, by=coordinator, now=second)
    # The earlier, separate cancel of the third shift stays.
    assert series[0].cancelled_at is None and series[2].cancelled_at == NOW
    too_late = NOW + timedelta(minutes=svc.UNDO_MINUTES, seconds=1)
    with pytest.raises(Conflict, match="Too late to undo"):
        svc.restore_shifts(db_session, series[2].id, by=coordinator, now=too_late)


# Claiming a series ------------------------------------------------------------

def test_claim_a_whole_series_in_one_step_skipping_a_clash(plan, make_user, db_session):
    blogger = make_user()
    series = plan("2026-11-18 18:00", "21:00", repeat="daily", count=4)
    busy = plan("2026-11-19 19:00", "20:00")
    svc.claim(db_session, user=blogger, shift_id=busy.id, now=NOW)
    result = svc.claim_series(db_session, user=blogger, shift_id=series[1].id, now=NOW)
    assert [s.id for s in result.claimed] == [series[2].id, series[3].id]
    [(skipped, why)] = result.skipped
    assert skipped.id == series[1].id and "overlapping shift" in why
    assert svc.active(series[0]) == []  # earlier shifts of the series are left alone


# Coverage: grid and list agree ---------------------------------------------------

def test_gap_list_and_grid_cover_the_same_seven_days(make_site, make_diary, db_session):
    kos = make_site(name="Daily Kos")
    # Busy every Tuesday 09:00 in Los Angeles; NOW is Tuesday 08:00 there.
    posts(make_diary, kos, utc(2026, 11, 17, 17), per_week=1)
    page = coverage.coverage_page(db_session, LA, NOW)
    # Next Tuesday is outside the grid (today + 6 days), so not in the list either.
    assert [g.starts_at for g in page.gaps] == [utc(2026, 11, 17, 17)]
    assert (page.start_day.isoformat(), page.end_day.isoformat()) == ("2026-11-17", "2026-11-23")
    [grid] = page.grids
    assert grid.rows[0].cells[9].gap and grid.rows[-1].day == page.end_day


def test_past_hours_are_past_not_gaps_and_open_places_are_drawn(
        make_site, make_diary, make_user, db_session):
    kos = make_site(name="Daily Kos")
    posts(make_diary, kos, utc(2026, 11, 17, 14), per_week=2)  # Tue 06:00 LA, before NOW
    on_shift(db_session, [make_user()], site=kos, start=utc(2026, 11, 18, 2), places=3)
    [grid] = coverage.week_grid(db_session, NOW.astimezone(LA).date(), LA, NOW)
    six = grid.rows[0].cells[6]
    assert six.past and not six.gap and six.weight > 0
    assert not grid.rows[0].cells[8].past  # the hour now running
    evening = grid.rows[0].cells[18]
    assert (evening.people_on, evening.open_places) == (1, 2)
    assert [g.starts_at for g in coverage.coverage_page(db_session, LA, NOW).gaps
            if g.starts_at < NOW] == []


# Through the web ------------------------------------------------------------------

def _create(client, **fields):
    token = csrf_from(client.get("/shifts/coverage").get_data(as_text=True))
    data = {"site_id": "", "day": "2026-11-18", "start": "18:00", "end": "21:00",
            "focus": "any", "places": "1", "note": "", "repeat": "", "count": "",
            "until": "", "csrf_token": token}
    data.update(fields)
    return client.post("/shifts/new", data=data)


def test_the_form_refuses_unmarked_overnight_and_past_shifts_inline(
        client, app, make_user, login, db_session):
    app.extensions["diaryboost.clock"] = NOW
    login(make_user(role="coordinator"))
    response = _create(client, start="20:00", end="18:00")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Tick &#34;overnight shift&#34;" in html
    assert 'name="overnight"' in html
    response = _create(client, day="2026-11-16")
    assert response.status_code == 400 and "would start in the past" in response.get_data(
        as_text=True)
    assert _create(client, start="20:00", end="02:00", overnight="y").status_code == 302
    [shift] = db_session.scalars(select(Shift)).all()
    assert shift.ends_at - shift.starts_at == timedelta(hours=6)


def test_cancel_asks_first_with_counts_then_cancels_and_offers_undo(
        client, app, make_user, login, db_session):
    app.extensions["diaryboost.clock"] = NOW
    coordinator = make_user(role="coordinator")
    people = [make_user(display_name=name) for name in ("Ann", "Bob")]
    login(coordinator)
    _create(client, repeat="daily", count="3", places="2",
            assignees=[str(p.id) for p in people])
    first = db_session.scalars(select(Shift).order_by(Shift.starts_at)).first()
    token = csrf_from(client.get("/shifts/coverage").get_data(as_text=True))
    asked = client.post(f"/shifts/{first.id}/cancel", data={"scope": "future",
                                                            "csrf_token": token})
    text = " ".join(asked.get_data(as_text=True).split())
    assert asked.status_code == 200
    assert "This cancels <strong>3 shifts</strong> and takes <strong>2 people</strong> off" \
        in text and "(Ann, Bob)" in text
    assert db_session.scalars(select(Shift).where(Shift.cancelled_at.is_not(None))).all() == []

    done = client.post(f"/shifts/{first.id}/cancel", data={
        "scope": "future", "confirm": "y", "csrf_token": csrf_from(text)}, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "Cancelled 3 shifts" in page and page.count("Undo cancel") == 3
    undone = client.post(f"/shifts/{first.id}/restore", data={"csrf_token": csrf_from(page)},
                         follow_redirects=True)
    assert "Undone: 3 shifts on again." in undone.get_data(as_text=True)
    assert db_session.scalars(select(Shift).where(Shift.cancelled_at.is_not(None))).all() == []


def test_a_teammate_claims_a_series_from_my_shifts(client, app, make_user, login, db_session,
                                                     plan):
    app.extensions["diaryboost.clock"] = NOW
    plan("2026-11-18 18:00", "21:00", repeat="weekly", count=2)
    login(make_user(timezone="America/Los_Angeles"))
    page = client.get("/shifts/").get_data(as_text=True)
    assert page.count("Claim this and all later in its series") == 2
    first = db_session.scalars(select(Shift).order_by(Shift.starts_at)).first()
    done = client.post(f"/shifts/{first.id}/claim-series",
                       data={"csrf_token": csrf_from(page)}, follow_redirects=True)
    assert "You&#39;re on 2 shifts of the series." in done.get_data(as_text=True)


def test_grid_cells_open_their_details_on_tap(client, app, make_user, make_site, login):
    app.extensions["diaryboost.clock"] = NOW
    make_site(name="Daily Kos")
    login(make_user(role="coordinator", timezone="America/Los_Angeles"))
    html = client.get("/shifts/coverage").get_data(as_text=True)
    # <details>/<summary>: opened by a tap or the keyboard; nothing hides behind hover.
    assert html.count('<details class="cov-tip">') == 7 * 24
    assert ' title="' not in html.split('id="grid-h"')[1].split("</section>")[0]
    assert html.count("cov-past") >= 8  # 00:00–07:00 today is over
