"""`sources list|add|add-site|disable|enable|import-opml|export-opml`: the blogs and feeds
diaryboost polls. Every command goes through app.sources.service, like the admin page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from app import clock
from app.cli import ROW_ID, Env, cli, pass_env
from app.sources import scrape_health
from app.sources import service as source_service
from app.sources.opml import read_bounded
from app.text import plural
from models import FEED_KINDS, PLATFORMS
from models.db import unit_of_work
from scrapers.clean import terminal_safe


def _when(value: datetime | None) -> str:
    return value.isoformat(timespec="minutes") if value else "never"


@cli.group("sources")
def sources_group() -> None:
    """Blogs and their feeds."""


@sources_group.command("list")
@pass_env
def sources_list(env: Env) -> None:
    """List sites and their feeds with each feed's health (FAILING after
    POLL_FAILURES_TO_FLAG consecutive errors)."""
    flag_after = env.config.POLL_FAILURES_TO_FLAG
    with env.sessions() as session:
        sites = source_service.list_sites(session)
        alerts = {a.site_id: a for a in scrape_health.site_alerts(session, clock.now())}
        if not sites:
            click.echo("no sites yet: add one with `python run.py sources add-site SLUG "
                       "--name NAME --url BASE_URL --platform PLATFORM`")
        for site in sites:
            state = "enabled" if site.enabled else "disabled"
            click.echo(f"{site.slug} — {site.name} ({site.platform}, {state}) {site.base_url}")
            if site.id in alerts:
                for message in alerts[site.id].messages(env.config.TIMEZONE):
                    click.echo(f"  SCRAPE PROBLEM: {message}")
            if not site.feeds:
                click.echo("  (no feeds)")
            for feed in sorted(site.feeds, key=lambda f: f.id):
                health = source_service.feed_health(feed, flag_after)
                next_poll = _when(feed.next_poll_at) if feed.enabled else "-"
                click.echo(f"  [{feed.id}] {feed.url} ({feed.kind})")
                click.echo(f"      last poll {_when(feed.last_polled_at)}, status "
                           f"{feed.last_status or '-'}, next poll {next_poll}, "
                           f"consecutive errors {feed.error_count}, {health.label}")
                if feed.last_error:
                    # Errors quote what servers sent: never let it drive the terminal.
                    click.echo(terminal_safe(
                        f"      last error: {feed.last_error.splitlines()[0][:200]}"))


@sources_group.command("add")
@click.option("--site", "site_slug", required=True, help="Slug of the site the feed belongs to.")
@click.option("--url", required=True, help="The feed's http(s) URL.")
@click.option("--kind", type=click.Choice(FEED_KINDS), default="diaries", show_default=True)
@pass_env
def sources_add(env: Env, site_slug: str, url: str, kind: str) -> None:
    """Subscribe a site to a feed; it is polled at the next scheduler tick."""
    with unit_of_work(env.sessions) as session:
        feed = source_service.add_feed(session, site_slug=site_slug, url=url, kind=kind,
                                       now=clock.now())
    click.echo(f"added feed {feed.id} {feed.url} to {site_slug}")


@sources_group.command("add-site")
@click.argument("slug")
@click.option("--name", required=True, help="Display name, e.g. 'Daily Kos'.")
@click.option("--url", "base_url", required=True, help="The blog's home page URL.")
@click.option("--platform", type=click.Choice(PLATFORMS), required=True)
@pass_env
def sources_add_site(env: Env, slug: str, name: str, base_url: str, platform: str) -> None:
    """Add a blog; its platform's default feeds come with it."""
    with unit_of_work(env.sessions) as session:
        site = source_service.add_site(session, slug=slug, name=name, base_url=base_url,
                                       platform=platform, now=clock.now())
        click.echo(f"added site {site.slug} ({site.platform}) with "
                   f"{plural(len(site.feeds), 'feed')}")
        for feed in site.feeds:
            click.echo(f"  [{feed.id}] {feed.url}")


@sources_group.command("disable")
@click.argument("feed_id", type=ROW_ID)
@click.option("--reason", default=None, help="Shown on the Sources page.")
@pass_env
def sources_disable(env: Env, feed_id: int, reason: str | None) -> None:
    """Stop polling a feed."""
    with unit_of_work(env.sessions) as session:
        feed = source_service.set_feed_enabled(session, feed_id, False, reason, now=clock.now())
    click.echo(f"feed {feed.id} disabled ({feed.disabled_reason})")


@sources_group.command("enable")
@click.argument("feed_id", type=ROW_ID)
@pass_env
def sources_enable(env: Env, feed_id: int) -> None:
    """Poll a feed again; its error count is cleared and it is due now."""
    with unit_of_work(env.sessions) as session:
        feed = source_service.set_feed_enabled(session, feed_id, True, now=clock.now())
    click.echo(f"feed {feed.id} enabled, due now")


@sources_group.command("import-opml")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--site", "site_slug", required=True, help="Site the feeds belong to.")
@pass_env
def sources_import_opml(env: Env, file: Path, site_slug: str) -> None:
    """Import an OPML subscription list into a site (all or nothing)."""
    with unit_of_work(env.sessions) as session:
        with file.open("rb") as stream:
            data = read_bounded(stream)
        added = source_service.import_opml(session, data, site_slug, clock.now())
        for feed in added:
            click.echo(f"  added [{feed.id}] {feed.url}")
        for url in added.skipped:
            click.echo(f"  skipped (already subscribed) {url}")
        click.echo(f"imported {plural(len(added), 'feed')}, skipped {len(added.skipped)}")


@sources_group.command("export-opml")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output).")
@pass_env
def sources_export_opml(env: Env, output: Path | None) -> None:
    """Export every feed as OPML 2.0, one folder per site."""
    with env.sessions() as session:
        data = source_service.export_opml(session, clock.now())
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        output.write_bytes(data)
        click.echo(f"wrote {output}", err=True)
