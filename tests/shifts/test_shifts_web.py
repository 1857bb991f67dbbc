"""The shift pages through the Flask test client: planning, claiming, permissions, iCal."""

from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import select

from app import create_app
from models import Shift, ShiftAssignment
from tests.conftest import csrf_from
from tests.factories import T0
from tests.shifts.conftest import LA

NOW = T0  # Tue 17 Nov 2026 08:00 in Los Angeles


@pytest.fixture
def mail_client(mail_config, session_factory):
    """A client of an app that sends mail to the test SMTP server, clock pinned at NOW."""
    app = create_app(mail_config, session_factory)
    app.extensions["diaryboost.clock"] = NOW
    return app.test_client()


def log_in(client, user):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": user.email,
                                           "password": "correct horse battery",
                                           "csrf_token": token})
    assert response.status_code == 302


def token_of(client, path="/shifts/"):
    return csrf_from(client.get(path).get_data(as_text=True))


def create(client, **fields):
    data = {"site_id": "", "day": "2026-11-18", "start": "18:00", "end": "21:00",
            "focus": "recommend", "places": "1", "note": "", "repeat": "", "count": "",
            "until": "", "csrf_token": token_of(client, "/shifts/coverage")}
    data.update(fields)
    return client.post("/shifts/new", data=data)


def test_coordinator_plans_a_weekday_series_and_the_assignee_is_emailed(
        mail_client, make_user, make_site, db_session, smtp_server):
    inbox, _ = smtp_server
    site = make_site(name="Daily Kos")
    coordinator = make_user(role="coordinator")
    blogger = make_user(display_name="Bea", email="bea@example.org", timezone="Europe/Berlin")
    log_in(mail_client, coordinator)
    response = create(mail_client, site_id=str(site.id), repeat="weekdays", count="5",
                      assignees=[str(blogger.id)], places="2", note="SiCKO anniversary")
    assert response.status_code == 302
    shifts = db_session.scalars(select(Shift).order_by(Shift.starts_at)).all()
    assert len(shifts) == 5 and len({s.series_id for s in shifts}) == 1
    assert [s.starts_at.astimezone(LA).strftime("%a %H:%M") for s in shifts] == \
        ["Wed 18:00", "Thu 18:00", "Fri 18:00", "Mon 18:00", "Tue 18:00"]
    page = mail_client.get("/shifts/coverage").get_data(as_text=True)
    assert "Created 5 shifts." in page and "Bea" in page and "1 of 2 open" in page
    # One mail for the whole series, in Bea's own zone.
    [mail] = inbox.to("bea@example.org")
    assert mail["Subject"] == "You're on 5 shifts"
    text = mail.get_body(("plain",)).get_content()
    assert "Thu 19 Nov 03:00–06:00 CET: Daily Kos · recommend — SiCKO anniversary" in text


def test_edit_and_cancel_email_the_people_on_the_shift(mail_client, make_user, db_session,
                                                       smtp_server):
    inbox, _ = smtp_server
    coordinator = make_user(role="coordinator")
    blogger = make_user(email="cal@example.org")
    log_in(mail_client, coordinator)
    create(mail_client, assignees=[str(blogger.id)])
    shift = db_session.scalars(select(Shift)).one()
    edit_page = mail_client.get(f"/shifts/{shift.id}/edit").get_data(as_text=True)
    assert 'value="18:00"' in edit_page
    response = mail_client.post(f"/shifts/{shift.id}/edit", data={
        "site_id": "", "day": "2026-11-18", "start": "19:00", "end": "22:00", "focus": "comment",
        "places": "1", "note": "moved", "scope": "one", "csrf_token": csrf_from(edit_page)})
    assert response.status_code == 302
    db_session.refresh(shift)
    assert shift.sequence == 1 and shift.starts_at.hour == 3
    response = mail_client.post(f"/shifts/{shift.id}/cancel", data={
        "scope": "one", "confirm": "y", "csrf_token": token_of(mail_client)})
    assert response.status_code == 302
    subjects = [m["Subject"] for m in inbox.to("cal@example.org")]
    assert subjects == ["You're on a shift: any site, Wed 18 Nov 18:00–21:00 PST",
                        "Changed: a shift: any site, Wed 18 Nov 19:00–22:00 PST",
                        "Cancelled: a shift: any site, Wed 18 Nov 19:00–22:00 PST"]


def test_a_blogger_cannot_plan_edit_assign_or_cancel(client, app, make_user, db_session, login):
    app.extensions["diaryboost.clock"] = NOW
    coordinator, blogger = make_user(role="coordinator"), make_user()
    shift = Shift(starts_at=NOW + timedelta(hours=10), ends_at=NOW + timedelta(hours=13),
                  created_by_id=coordinator.id)
    db_session.add(shift)
    db_session.flush()
    login(blogger)
    token = token_of(client)
    assert client.get("/shifts/coverage").status_code == 403
    for path, data in [("/shifts/new", {"day": "2026-11-18", "start": "18:00", "end": "21:00"}),
                       (f"/shifts/{shift.id}/edit", {"day": "2026-11-18", "start": "18:00",
                                                     "end": "21:00", "scope": "one"}),
                       (f"/shifts/{shift.id}/assign", {"user_id": str(blogger.id)}),
                       (f"/shifts/{shift.id}/cancel", {"scope": "one"}),
                       (f"/shifts/{shift.id}/unassign/{coordinator.id}", {})]:
        assert client.post(path, data={**data, "csrf_token": token}).status_code == 403, path
    db_session.refresh(shift)
    assert shift.cancelled_at is None and shift.assignments == []


def test_claim_drop_and_refusals_show_clear_messages(client, app, make_user, make_site,
                                                     db_session, login):
    app.extensions["diaryboost.clock"] = NOW
    site = make_site(name="Calitics")
    soon = Shift(site_id=site.id, starts_at=NOW + timedelta(hours=2),
                 ends_at=NOW + timedelta(hours=4), places=1)
    clashing = Shift(starts_at=NOW + timedelta(hours=3), ends_at=NOW + timedelta(hours=5))
    later = Shift(starts_at=NOW + timedelta(days=1), ends_at=NOW + timedelta(days=1, hours=3))
    db_session.add_all([soon, clashing, later])
    db_session.flush()
    blogger = make_user(timezone="Europe/Berlin")
    login(blogger)
    page = client.get("/shifts/").get_data(as_text=True)
    assert page.count("Claim</button>") == 3 and "Times are in Europe/Berlin" in page
    client.post(f"/shifts/{soon.id}/claim", data={"csrf_token": token_of(client)})
    page = client.get("/shifts/").get_data(as_text=True)
    assert "You&#39;re on it" in page and page.count("Claim</button>") == 2
    client.post(f"/shifts/{clashing.id}/claim", data={"csrf_token": token_of(client)})
    page = client.get("/shifts/").get_data(as_text=True)
    # Calitics 10:00–12:00 in Los Angeles is 19:00–21:00 in Berlin.
    assert "You already hold an overlapping shift: Calitics, Tue 17 Nov 19:00–21:00 CET" in page
    client.post(f"/shifts/{soon.id}/drop", data={"csrf_token": token_of(client)})
    page = client.get("/shifts/").get_data(as_text=True)
    assert "Too close to the start to drop" in page
    client.post(f"/shifts/{later.id}/claim", data={"csrf_token": token_of(client)})
    client.post(f"/shifts/{later.id}/drop", data={"csrf_token": token_of(client)})
    assert "You dropped that shift" in client.get("/shifts/").get_data(as_text=True)
    held = db_session.scalars(select(ShiftAssignment.shift_id).where(
        ShiftAssignment.user_id == blogger.id, ShiftAssignment.released_at.is_(None))).all()
    assert held == [soon.id]
    # A full shift offers no claim, and claiming it anyway is refused.
    other = app.test_client()
    log_in(other, make_user())
    other.post(f"/shifts/{soon.id}/claim", data={"csrf_token": token_of(other)})
    assert "This shift is full (1 of 1 places taken)" in other.get("/shifts/").get_data(
        as_text=True)


def test_calendar_feed_needs_the_users_own_secret(client, app, make_user, db_session, login):
    app.extensions["diaryboost.clock"] = NOW
    owner, snoop = make_user(), make_user()
    shift = Shift(starts_at=NOW + timedelta(days=1), ends_at=NOW + timedelta(days=1, hours=3),
                  note="Medicare for all week")
    db_session.add(shift)
    db_session.flush()
    db_session.add(ShiftAssignment(shift_id=shift.id, user_id=owner.id))
    db_session.flush()
    login(snoop)
    assert client.get("/shifts/calendar/not-the-secret.ics").status_code == 404
    assert client.get(f"/shifts/calendar/{snoop.feed_secret}.ics").status_code == 200
    own = icalendar.Calendar.from_ical(
        client.get(f"/shifts/calendar/{snoop.feed_secret}.ics").data)
    assert own.walk("VEVENT") == []
    response = client.get(f"/shifts/calendar/{owner.feed_secret}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    [event] = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    assert "Medicare for all week" in str(event["DESCRIPTION"])
    # Secret URLs are shown once, on the profile, never on My shifts.
    page = client.get("/shifts/").get_data(as_text=True)
    assert snoop.feed_secret not in page and "/profile/" in page


def test_coverage_page_shows_gaps_and_grid(client, app, make_user, make_site, make_diary,
                                           db_session, login):
    app.extensions["diaryboost.clock"] = NOW
    site = make_site(name="Daily Kos")
    for week in range(1, 9):  # every Tuesday 18:00 in Los Angeles (Wed 02:00 UTC)
        make_diary(site, published_at=NOW.replace(hour=2) + timedelta(days=1 - 7 * week))
    login(make_user(role="coordinator", timezone="America/Los_Angeles"))
    page = " ".join(client.get("/shifts/coverage").get_data(as_text=True).split())
    assert "Daily Kos</strong>, Tue 17 Nov 18:00: nobody on" in page
    assert "about 1.0 diaries posted" in page
    assert page.count('cov-gap') >= 1 + 1  # the legend and the Tuesday 18:00 cell
    # The gap's "plan a shift here" link prefills the form.
    prefilled = client.get(f"/shifts/coverage?site={site.id}&date=2026-11-17&start=18:00")
    html = prefilled.get_data(as_text=True)
    assert 'value="2026-11-17"' in html and 'value="21:00"' in html
    assert f'<option selected value="{site.id}">' in html


def test_invalid_plan_is_refused_with_the_form_kept(client, make_user, login, app):
    app.extensions["diaryboost.clock"] = NOW
    login(make_user(role="coordinator"))
    response = create(client, repeat="daily", count="", until="")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "A repeating shift needs a number of times or an end date" in html
    assert 'value="2026-11-18"' in html
