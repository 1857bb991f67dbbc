"""`python run.py shifts list|remind`, run in-process against the test database."""

from datetime import timedelta

from click.testing import CliRunner

from app.cli import Env, cli
from app.shifts import service as svc
from tests.shifts.conftest import NOW


def invoke(args, config, sessions):
    env = Env()
    # Env builds these lazily from the environment; the test hands in its own.
    env.__dict__.update(config=config, sessions=sessions)
    return CliRunner().invoke(cli, args, obj=env)


def test_shifts_list_shows_local_times_people_and_open_places(
        db_session, session_factory, config, plan, make_user, make_site):
    kos = make_site(name="Daily Kos")
    bea = make_user(display_name="Bea")
    tonight = plan("2026-11-17 18:00", "21:00", site=kos, places=2, focus="recommend")
    svc.claim(db_session, user=bea, shift_id=tonight.id, now=NOW)
    plan("2026-11-21 10:00", "12:00")
    day = invoke(["shifts", "list", "--now", NOW.isoformat()], config, session_factory)
    assert day.exit_code == 0, day.output
    assert day.output.splitlines() == [
        f"[{tonight.id}] Daily Kos, Tue 17 Nov 18:00–21:00 PST · recommend · Bea · 1 open"]
    week = invoke(["shifts", "list", "--week", "--now", NOW.isoformat(),
                   "--timezone", "Europe/Berlin"], config, session_factory)
    lines = week.output.splitlines()
    assert len(lines) == 2 and "Wed 18 Nov 03:00–06:00 CET" in lines[0]
    assert "any site, Sat 21 Nov 19:00–21:00 CET · any help · nobody yet · 1 open" in lines[1]
    bad = invoke(["shifts", "list", "--timezone", "Mars/Base"], config, session_factory)
    assert bad.exit_code != 0 and "unknown time zone" in bad.output


def test_shifts_remind_prints_how_many_were_sent(db_session, session_factory, mail_config,
                                                 smtp_server, plan, make_user):
    inbox, _ = smtp_server
    shift = plan("2026-11-17 08:30", "10:00")
    svc.claim(db_session, user=make_user(email="cli@example.org"), shift_id=shift.id, now=NOW)
    at = (NOW + timedelta(minutes=1)).isoformat()
    first = invoke(["shifts", "remind", "--now", at], mail_config, session_factory)
    assert first.exit_code == 0 and first.output.strip() == "1 reminder sent"
    again = invoke(["shifts", "remind", "--now", at], mail_config, session_factory)
    assert again.output.strip() == "0 reminders sent"
    assert len(inbox.to("cli@example.org")) == 1
