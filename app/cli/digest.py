"""`digest preview|send`: the weekly digest by hand."""

from __future__ import annotations

import click

from app import clock
from app.cli import Env, cli, pass_env
from app.digest.build import build_week
from app.digest.preview import default_week
from app.digest.render import Recipient, render
from app.digest.send import dry_run, send_week
from app.text import plural


@cli.group("digest")
def digest_group() -> None:
    """The weekly digest email."""


@digest_group.command("preview")
@click.option("--week", default=None, help="ISO week such as 2026-W47; default: last week.")
@click.option("--text", "as_text", is_flag=True, help="Print the plain-text part.")
@pass_env
def digest_preview(env: Env, week: str | None, as_text: bool) -> None:
    """Print the digest of a week (HTML, or plain text with --text), as an admin sees it."""
    now = clock.now()
    config = env.config
    with env.sessions() as session:
        digest = build_week(session, week or default_week(now, config), now, config)
    reader = Recipient(user_id=0, name="team", email="", timezone=config.DIGEST_TIMEZONE,
                       is_admin=True, unsubscribe_url=f"{config.BASE_URL}/profile/")
    rendered = render(digest, reader)
    click.echo(rendered.text if as_text else rendered.html, nl=False)


@digest_group.command("send")
@click.option("--week", default=None, help="ISO week such as 2026-W47; default: last week.")
@click.option("--dry-run", "dry", is_flag=True, help="List who would get what; send nothing.")
@pass_env
def digest_send(env: Env, week: str | None, dry: bool) -> None:
    """Send a week's digest to every subscriber who has not had it yet (never twice)."""
    now = clock.now()
    config = env.config
    week = week or default_week(now, config)
    if dry:
        with env.sessions() as session:
            rows = dry_run(config, session, week, now)
        for email, subject in rows:
            click.echo(f"{email}  {subject}")
        click.echo(f"dry run: {plural(len(rows), 'message')} would be sent for {week}")
        return
    report = send_week(config, env.sessions, week, now)
    click.echo(f"{report.week}: {report.sent} sent, {report.retrying} to retry, "
               f"{report.failed} failed, {report.skipped} skipped")
    if report.retrying or report.failed:
        raise click.ClickException("some messages were not sent (the scheduler retries for a "
                                   "day); /digest/preview lists each delivery's error")
