"""`shifts list [--week]`, `shifts remind`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click

from app import clock
from app.cli import Env, cli, pass_env
from app.shifts import service as svc
from app.shifts.mail import send_due_reminders
from app.text import plural
from app.zones import zone_named


@cli.group("shifts")
def shifts_group() -> None:
    """Amplification shifts."""


def _at(value: str | None) -> datetime:
    if not value:
        return clock.now()
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not an ISO date-time: {value!r}", param_hint="--now") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


# Hidden --now: run "as of" another moment (tests, and checking a plan ahead of time).
_now_option = click.option("--now", "now_text", default=None, hidden=True)


@shifts_group.command("list")
@click.option("--week", is_flag=True, help="The next 7 days instead of the next 24 hours.")
@click.option("--timezone", "tz", default=None, help="Show times in this IANA zone "
              "(default: the TIMEZONE setting).")
@_now_option
@pass_env
def shifts_list(env: Env, week: bool, tz: str | None, now_text: str | None) -> None:
    """Upcoming shifts with who is on and how many places are open, in local time."""
    zone = zone_named(tz or env.config.TIMEZONE)
    if zone is None:
        raise click.BadParameter(f"unknown time zone {tz!r}", param_hint="--timezone")
    now = _at(now_text)
    end = now + timedelta(days=7 if week else 1)
    with env.sessions() as session:
        shifts = svc.shifts_between(session, now, end)
        if not shifts:
            click.echo("no shifts planned " + ("this week" if week else "in the next 24 hours"))
        for shift in shifts:
            people = ", ".join(a.user.display_name for a in svc.active(shift)) or "nobody yet"
            open_places = svc.open_count(shift)
            state = f"{open_places} open" if open_places else "full"
            click.echo(f"[{shift.id}] {svc.describe(shift, zone)} · "
                       f"{svc.FOCUS_LABELS[shift.focus]} · {people} · {state}")


@shifts_group.command("remind")
@_now_option
@pass_env
def shifts_remind(env: Env, now_text: str | None) -> None:
    """Send due shift reminders once (what the scheduler does every minute)."""
    sent = send_due_reminders(env.config, env.sessions, _at(now_text))
    click.echo(f"{plural(sent, 'reminder')} sent")
