"""Reminder emails through a real SMTP server, sent once even across scheduler restarts."""

from datetime import timedelta

from sqlalchemy import select

from app.jobs.registry import JobContext
from app.shifts import service as svc
from app.shifts.job import shift_reminders
from models import ShiftAssignment
from tests.shifts.conftest import NOW


def run_job(config, sessions, now):
    """One run of the scheduler's job, with a fresh context as after a restart."""
    return shift_reminders(JobContext(config=config, sessions=sessions, now=lambda: now))


def test_reminder_is_sent_once_even_after_a_restart(db_session, session_factory, mail_config,
                                                    smtp_server, plan, make_user, make_site):
    inbox, _ = smtp_server
    blogger = make_user(email="rem@example.org", timezone="Europe/Berlin",
                        shift_reminder_minutes=60)
    site = make_site(name="MyDD")
    shift = plan("2026-11-17 09:00", "12:00", site=site, focus="crosspost", note="cross-post!")
    svc.claim(db_session, user=blogger, shift_id=shift.id, now=NOW)
    # The shift starts at NOW + 60 min; the reminder is due from NOW on.
    assert run_job(mail_config, session_factory, NOW - timedelta(minutes=5)) == 0
    assert run_job(mail_config, session_factory, NOW) == 1
    assert run_job(mail_config, session_factory, NOW) == 0
    assert run_job(mail_config, session_factory, NOW + timedelta(minutes=2)) == 0
    assert run_job(mail_config, session_factory, NOW + timedelta(minutes=30)) == 0
    [mail] = inbox.to("rem@example.org")
    assert mail["Subject"] == "Your shift on MyDD starts at 18:00"
    text = mail.get_body(("plain",)).get_content()
    assert "Tue 17 Nov 18:00 CET – 21:00 CET" in text and "cross-post!" in text
    assert "cross-post" in mail.get_body(("html",)).get_content()


def test_failed_send_is_retried_by_the_next_run(db_session, session_factory, mail_config,
                                                smtp_server, plan, make_user):
    inbox, _ = smtp_server
    blogger = make_user(email="retry@example.org", shift_reminder_minutes=30)
    shift = plan("2026-11-17 08:20", "10:00")
    svc.claim(db_session, user=blogger, shift_id=shift.id, now=NOW)
    inbox.refuse_next = 1
    assert run_job(mail_config, session_factory, NOW) == 0
    place = db_session.scalars(select(ShiftAssignment)).one()
    db_session.refresh(place)
    assert place.reminder_sent_at is None  # the claim was given back
    assert run_job(mail_config, session_factory, NOW + timedelta(minutes=1)) == 1
    db_session.refresh(place)
    assert place.reminder_sent_at == NOW + timedelta(minutes=1)
    assert len(inbox.to("retry@example.org")) == 1


def test_no_reminder_for_dropped_cancelled_or_opted_out_places(
        db_session, session_factory, mail_config, smtp_server, plan, make_user, coordinator):
    inbox, _ = smtp_server
    dropped, cancelled, opted_out = (make_user() for _ in range(3))
    opted_out.shift_reminder_minutes = 0
    first = plan("2026-11-17 12:00", "13:00")
    second = plan("2026-11-17 12:00", "13:00")
    svc.claim(db_session, user=dropped, shift_id=first.id, now=NOW)
    svc.drop(db_session, user=dropped, shift_id=first.id, now=NOW, cutoff_hours=3)
    svc.claim(db_session, user=opted_out, shift_id=first.id, now=NOW)
    svc.claim(db_session, user=cancelled, shift_id=second.id, now=NOW)
    svc.cancel_shifts(db_session, second.id, by=coordinator, now=NOW)
    assert run_job(mail_config, session_factory, NOW + timedelta(hours=3, minutes=30)) == 0
    assert inbox.messages == []
