"""`poll`, `diaries list`, `topics test`, `seed`: the intake from the command line."""

from __future__ import annotations

import json
import sys
import threading

import click
from sqlalchemy import select

from app import clock
from app.cli import ROW_ID, Env, cli, pass_env
from app.sources import polling
from app.text import count
from models import Diary, Site
from models.db import unit_of_work
from scrapers import store
from scrapers.clean import terminal_safe
from scrapers.seeds import seed_defaults
from scrapers.topics import DEFAULT_RULES, FIELD_WEIGHTS, explain, score


@cli.command("poll")
@click.option("--site", "site_slug", default=None, help="Only this site's feeds (slug).")
@click.option("--feed", "feed_id", default=None, type=ROW_ID, help="Only this feed (id).")
@pass_env
def poll(env: Env, site_slug: str | None, feed_id: int | None) -> None:
    """Poll feeds now, whatever their next poll time, and print one line per feed.

    Exits with status 1 when any feed failed (the lines say why).
    """
    with env.sessions() as session:
        ids = polling.select_feeds(session, site_slug=site_slug, feed_id=feed_id)
    if not ids:
        click.echo("no enabled feeds to poll (see `python run.py sources list`)")
        return
    lock = threading.Lock()
    with click.progressbar(length=len(ids), label=f"polling {len(ids)} feeds",
                           file=sys.stderr) as bar:
        def done(_outcome):
            with lock:  # outcomes arrive from the worker threads
                bar.update(1)

        outcomes = polling.poll_feeds(env.config, env.sessions, ids, clock.now, on_done=done)
    for o in sorted(outcomes, key=lambda o: o.feed_id):
        counts = f"{o.new_count} new, {o.updated_count} updated"
        status = o.http_status if o.http_status is not None else "-"
        line = f"[{o.feed_id}] {o.url}  {o.outcome} (HTTP {status}), {counts}"
        if o.error:
            line += f"; error: {o.error}"
        if o.warning:
            line += f"; warning: {o.warning}"
        click.echo(terminal_safe(line))
    failed = sum(1 for o in outcomes if o.outcome == "error")
    new = sum(o.new_count for o in outcomes)
    click.echo(f"{len(outcomes)} feeds polled, {new} new diaries, {failed} failed", err=True)
    if failed:
        sys.exit(1)


@cli.command("refresh-counts")
@click.option("--site", "site_slug", default=None, help="Only this site's diaries (slug).")
@pass_env
def refresh_counts_command(env: Env, site_slug: str | None) -> None:
    """Read the pages of young diaries due for it now, and the rec lists due (the
    scheduler's refresh-counts job, once); then any site whose pages stopped showing
    their counts."""
    from app.errors import NotFound
    from app.sources import scrape_health
    from app.sources.counts import refresh_due_counts

    now = clock.now()
    try:
        done = refresh_due_counts(env.config, env.sessions, now, site_slug)
    except NotFound as err:
        raise click.ClickException(err.message) from None
    click.echo(f"read {done.observed} of {done.due} diary pages due, "
               f"{done.rec_lists} rec list(s)")
    with env.sessions() as session:
        for alert in scrape_health.site_alerts(session, now):
            for message in alert.messages(env.config.TIMEZONE):
                click.echo(f"SCRAPE PROBLEM: {message}")


@cli.command("learn-aging")
@pass_env
def learn_aging_command(env: Env) -> None:
    """Learn each site's aging from its recent rec lists now (the scheduler's hourly
    learn-aging job, once) and say where each site's aging comes from."""
    from app.sources import site_aging

    learned = site_aging.learn_aging(env.sessions, clock.now())
    with env.sessions() as session:
        sites = list(session.scalars(select(Site).order_by(Site.slug)))
        notes = site_aging.aging_notes(session, sites)
        for site in sites:
            click.echo(f"{terminal_safe(site.slug)}: {notes[site.id]}")
    click.echo(f"aging learned for {learned} site(s)", err=True)


@cli.group("diaries")
def diaries_group() -> None:
    """Stored diaries."""


@diaries_group.command("list")
@click.option("--site", "site_slug", default=None, help="Only this site (slug).")
@click.option("--health-only", is_flag=True, help="Only diaries tagged as health care.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100000))
@pass_env
def diaries_list(env: Env, site_slug: str | None, health_only: bool, as_json: bool,
                 limit: int) -> None:
    """Newest diaries first, with their latest counts and topic score."""
    with env.sessions() as session:
        query = (select(Diary, Site.slug).join(Site, Diary.site_id == Site.id)
                 .order_by(Diary.published_at.desc(), Diary.id.desc()).limit(limit))
        if site_slug is not None:
            if session.scalar(select(Site.id).where(Site.slug == site_slug)) is None:
                raise click.ClickException(f"no site {site_slug!r} "
                                           "(see `python run.py sources list`)")
            query = query.where(Site.slug == site_slug)
        if health_only:
            query = query.where(Diary.topic_score > 0)
        rows = session.execute(query).all()
    if as_json:
        for diary, slug in rows:
            click.echo(json.dumps({
                "id": diary.id, "site": slug, "url": diary.url, "title": diary.title,
                "author": diary.author, "published_at": diary.published_at.isoformat(),
                "recommends": diary.recommends, "comments": diary.comments,
                "topic_score": diary.topic_score, "topic_terms": diary.topic_terms,
                "crosspost_group_id": diary.crosspost_group_id,
                "on_rec_list": diary.on_rec_list}))
        return
    if not rows:
        click.echo("no diaries yet (run `python run.py poll`)")
    for diary, slug in rows:
        terms = ", ".join(diary.topic_terms or [])
        # Titles come from feeds: escape what could drive the terminal (ESC, BEL, ...).
        line = (f"{diary.id:>6} {slug:<10} {diary.published_at:%Y-%m-%d %H:%M} "
                f"{count(diary.recommends):>4} recs {count(diary.comments):>4} com "
                f"score {diary.topic_score:>5.1f}  {diary.title[:70]}"
                + (f"  [{terms}]" if terms else ""))
        click.echo(terminal_safe(line))


@cli.group("topics")
def topics_group() -> None:
    """Health-care topic rules."""


@topics_group.command("test")
@click.argument("title")
@click.option("--tags", default="", help="Comma-separated tags.")
@click.option("--body", default="", help="Body text (HTML is reduced to its text).")
@click.option("--defaults", is_flag=True, help="Use the built-in rules, not the database's.")
@pass_env
def topics_test(env: Env, title: str, tags: str, body: str, defaults: bool) -> None:
    """Show how a diary's text scores: every matched phrase, per field, with its points."""
    if defaults:
        rules = list(DEFAULT_RULES)
    else:
        with env.sessions() as session:
            rules = store.load_rules(session)
    tag_list = [t.strip() for t in tags.split(",") if t.strip()]
    hits = explain(title, tag_list, body, rules)
    for hit in hits:
        click.echo(f"  {hit.field:<5} {hit.phrase!r:<34} weight {hit.weight:g} "
                   f"× {FIELD_WEIGHTS[hit.field]:g} = {hit.points:g}")
    match = score(title, tag_list, body, rules)
    verdict = "health care" if match.score > 0 else "not health care"
    click.echo(f"score {match.score:g} ({verdict}) from {len(rules)} rules"
               + (f": {', '.join(match.terms)}" if match.terms else ""))


@cli.command("seed")
@pass_env
def seed(env: Env) -> None:
    """Add the default sites (Daily Kos, MyDD, Calitics), their feeds and the default topic
    rules where missing. Safe to run again."""
    with unit_of_work(env.sessions) as session:
        seed_defaults(session, clock.now())
        sites = session.scalars(select(Site).order_by(Site.slug)).all()
        for site in sites:
            click.echo(f"{site.slug}: {site.name} ({site.platform}), {len(site.feeds)} feeds")
