"""`sources ...`: the blogs and feeds diaryboost polls."""

from __future__ import annotations

import click
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.cli import Env, cli, pass_env
from models import Site


@cli.group("sources")
def sources_group() -> None:
    """Blogs and their feeds."""


@sources_group.command("list")
@pass_env
def sources_list(env: Env) -> None:
    """List sites and their feeds with each feed's health."""
    with env.sessions() as session:
        sites = session.scalars(select(Site).options(selectinload(Site.feeds))
                                .order_by(Site.slug)).all()
        if not sites:
            click.echo("no sites yet")
        for site in sites:
            state = "enabled" if site.enabled else "disabled"
            click.echo(f"{site.slug} — {site.name} ({site.platform}, {state}) {site.base_url}")
            for feed in sorted(site.feeds, key=lambda f: f.id):
                health = "ok" if feed.enabled and feed.error_count == 0 else (
                    f"disabled: {feed.disabled_reason}" if not feed.enabled
                    else f"{feed.error_count} consecutive errors")
                last = feed.last_polled_at.isoformat(timespec="minutes") \
                    if feed.last_polled_at else "never"
                click.echo(f"  [{feed.id}] {feed.url}\n      last poll {last}, status "
                           f"{feed.last_status or '-'}, next "
                           f"{feed.next_poll_at.isoformat(timespec='minutes')}, {health}")
