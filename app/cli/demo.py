"""`demo`: diaryboost against the simulated blog network, ready to click through.

One process: the simulated Daily Kos, MyDD and Calitics in a background thread (live,
so their diaries collect recommends and comments as time passes), a demo database with
those three sites, their feeds and the default topic rules, three demo users, a first
poll done before the web server starts (so Boost today is filled at once), then the web
app and the scheduler exactly as `serve` runs them, with short poll intervals.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import logging
import secrets
import socket
from datetime import datetime

import click
from sqlalchemy import select

from app import clock
from app.cli import Env, cli, demo_mail, pass_env
from config import Config
from models import Feed, Site, TopicRule, make_engine, make_session_factory
from models.db import unit_of_work
from models.migrate import upgrade

log = logging.getLogger("diaryboost.demo")

# The simulator's sites: (slug, name, platform, feed paths, rec list path). Used when the
# platform adapter is not there to say which feeds a site starts with.
SIM_SITES = (
    ("dailykos", "Daily Kos (simulated)", "dailykos",
     (("rss/tag:Community.xml", "diaries"),), "rss/tag:Recommended.xml"),
    ("mydd", "MyDD (simulated)", "scoop", (("backend.rdf", "diaries"),), ""),
    ("calitics", "Calitics (simulated)", "soapblox", (("rss.xml", "diaries"),), ""),
)
DEMO_USERS = (("admin@demo.test", "Ada Admin", "admin"),
              ("coordinator@demo.test", "Cory Coordinator", "coordinator"),
              ("blogger@demo.test", "Bea Blogger", "blogger"))
# Short enough that numbers visibly move within a couple of minutes, polite enough for a
# laptop: feeds every 30-60 s, diary counts every minute.
DEMO_POLL = dict(POLL_MIN_INTERVAL=30, POLL_DEFAULT_INTERVAL=45, POLL_MAX_INTERVAL=60,
                 METRICS_INTERVAL=60, HOST_MIN_GAP=0.0, SCHEDULER_ENABLED=True)


def demo_config(base: Config, host: str, port: int, sim_port: int) -> Config:
    """The demo's settings: its own SQLite file unless DATABASE_URL was given, the
    simulator allowed past the fetcher's private-address guard, short intervals."""
    default_url = f"sqlite:///{base.INSTANCE_PATH / 'diaryboost.db'}"
    # Config leaves DATABASE_URL at this default only when the variable is unset; the
    # demo must then never touch the real database, so it gets its own file.
    database_url = base.DATABASE_URL
    if database_url == default_url:
        database_url = f"sqlite:///{base.INSTANCE_PATH / 'demo.db'}"
    # POLL_WORKERS as configured, SQLite included: writers begin IMMEDIATE and a poll's
    # threads queue for the write lock (tests/test_sqlite_concurrency.py).
    return dataclasses.replace(
        base, DATABASE_URL=database_url, WEB_BIND=f"{host}:{port}",
        BASE_URL=f"http://{host}:{port}",
        PRIVATE_ADDRESS_ALLOWLIST=base.PRIVATE_ADDRESS_ALLOWLIST | {("127.0.0.1", sim_port)},
        **DEMO_POLL)


def _add_sim_sites(session, network, now: datetime, interval: int) -> list[int]:
    from app.sources import service as sources

    for slug, name, platform, feeds, rec_path in SIM_SITES:
        base = network.site_url(slug).rstrip("/")
        site = session.scalar(select(Site).where(Site.slug == slug))
        if site is None:
            site = sources.add_site(session, slug=slug, name=name, base_url=base,
                                    platform=platform, now=now)
        # The simulator's port may differ from the last run: point everything at it.
        site.base_url = base
        site.rec_list_url = f"{base}/{rec_path}" if rec_path else None
        known = {f.url for f in site.feeds}
        for path, kind in feeds:
            url = f"{base}/{path}"
            if url not in known and not session.scalar(select(Feed.id).where(Feed.url == url)):
                sources.add_feed(session, site_slug=slug, url=url, kind=kind, now=now)
    session.flush()
    sim_sites = {s[0] for s in SIM_SITES}
    feeds = session.scalars(select(Feed).join(Site).where(Site.slug.in_(sim_sites))).all()
    for feed in feeds:
        feed.interval_seconds, feed.next_poll_at = interval, now
        feed.enabled, feed.error_count, feed.disabled_reason = True, 0, None
    session.flush()
    return [feed.id for feed in feeds]


def _add_rules(session, now: datetime) -> None:
    from scrapers.topics import DEFAULT_RULES

    present = {(p.lower(), f) for p, f in session.execute(
        select(TopicRule.phrase, TopicRule.field))}
    for rule in DEFAULT_RULES:
        if (rule.phrase.lower(), rule.field) not in present:
            present.add((rule.phrase.lower(), rule.field))
            session.add(TopicRule(phrase=rule.phrase, weight=rule.weight, field=rule.field,
                                  needs_context=rule.needs_context, created_at=now))
    session.flush()


def _demo_users(session) -> list[tuple[str, str, str]]:
    """Create (or reset) the demo users with fresh random passwords; returns them."""
    from app.accounts import users
    from app.errors import NotFound

    created = []
    for email, name, role in DEMO_USERS:
        password = secrets.token_urlsafe(12)
        try:
            user = users.find_user(session, email)
            users.set_password(session, user, password)
            users.set_role(session, user, role)
            users.set_active(session, user, True)
        except NotFound:
            users.create_user(session, email=email, password=password, display_name=name,
                              role=role)
        created.append((email, role, password))
    return created


def prepare(config: Config, sessions, network, now: datetime,
            seed: int = 1) -> tuple[list, list]:
    """Sites, rules and users in the demo database, eight weeks of history; then a
    first, synchronous poll and count refresh, so the dashboard is full when the server
    starts. Returns (users with passwords, poll outcomes)."""
    from app.cli import demo_history
    from app.sources.polling import poll_feeds

    with unit_of_work(sessions) as session:
        feed_ids = _add_sim_sites(session, network, now, config.POLL_DEFAULT_INTERVAL)
        _add_rules(session, now)
        people = _demo_users(session)
        bars = {s.slug: s.rec_fallback_threshold for s in session.scalars(select(Site))}
        seeded = demo_history.store_history(
            session, demo_history.plan_history(seed, bars, now), seed, now)
    click.echo("history: {diaries} diaries over 8 weeks, {actions} team actions, "
               "{shifts} shifts, {digests} digests sent".format(**seeded))
    outcomes = poll_feeds(config, sessions, feed_ids, now)
    # The same refresh the scheduler runs every minute, run once now.
    from app.sources.counts import refresh_due_counts

    refresh_due_counts(config, sessions, now)
    return people, outcomes


def claim_demo(config: Config, ports: list[int], host: str = "127.0.0.1"):
    """Refuse, touching nothing, when another demo holds this database or a port.

    The database is claimed with an exclusive lock on a file next to it, held for the
    life of the process (the OS drops it however the process ends); the ports are
    checked by binding them. Returns the open lock file: keep it referenced."""
    config.INSTANCE_PATH.mkdir(parents=True, exist_ok=True)
    tag = hashlib.sha256(config.DATABASE_URL.encode()).hexdigest()[:12]
    lock = open(config.INSTANCE_PATH / f"demo-{tag}.lock", "a+")  # noqa: SIM115 - held
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise click.ClickException(
            "another demo is running on this database; it was left as it is. Stop it "
            "first (Ctrl-C in its terminal).") from None
    for port in ports:
        with socket.socket() as probe:
            # As a server binds: a port in TIME_WAIT is free, a listening one is not.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError as err:
                lock.close()
                raise click.ClickException(
                    f"port {port} on {host} is busy ({err.strerror}): another demo or "
                    "program holds it. Nothing was changed; stop it, or choose other ports "
                    "with --port/--sim-port.") from None
    return lock


def _quiet_logs() -> None:
    # One line per poll round (diaryboost.jobs), not one per feed or per scheduler run,
    # so the logins printed at start-up do not scroll away.
    # Mail goes to the demo's folder: a line per mail (reminders, digests, calls for help)
    # adds nothing to the job's own count.
    for name in ("scrapers", "apscheduler", "alembic", "waitress", "diaryboost.demo_seed",
                 "diaryboost.mail", "diaryboost.shifts", "diaryboost.digest",
                 "diaryboost.alerts"):
        logging.getLogger(name).setLevel(logging.WARNING)


@cli.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--sim-port", default=8001, show_default=True, type=click.IntRange(1, 65535))
@click.option("--seed", default=1, show_default=True, type=int, help="Simulator seed.")
@pass_env
def demo(env: Env, host: str, port: int, sim_port: int, seed: int) -> None:
    """Run diaryboost on simulated blogs: demo database, users, web and scheduler."""
    from app.cli.server import _logging, run_web_and_scheduler, stop_on_sigterm
    from sim import BlogNetwork

    config = demo_config(env.config, host, port, sim_port)
    # First, before anything changes (files, logging, signals): is the demo free to run?
    lock = claim_demo(config, [port, sim_port], host)  # noqa: F841 - held until exit
    _logging()
    _quiet_logs()
    stop_on_sigterm()
    demo_file = config.INSTANCE_PATH / "demo.db"
    if config.DATABASE_URL == f"sqlite:///{demo_file}":
        # The demo's own file starts afresh: the simulator restarts from scratch too.
        config.INSTANCE_PATH.mkdir(mode=0o700, parents=True, exist_ok=True)
        for path in (demo_file, demo_file.with_name("demo.db-wal"),
                     demo_file.with_name("demo.db-shm")):
            path.unlink(missing_ok=True)
    engine = make_engine(config.DATABASE_URL)
    upgrade(engine)
    sessions = make_session_factory(engine)
    # The web and scheduler runner reads config and sessions from Env: hand it the demo's.
    env.__dict__.update(config=config, engine=engine, sessions=sessions)

    mail_folder = config.INSTANCE_PATH / "demo-mail"
    sink = demo_mail.start(mail_folder)
    if sink is not None:
        config = dataclasses.replace(config, SMTP_HOST="127.0.0.1", SMTP_PORT=sink[1],
                                     SMTP_SECURITY="none", SMTP_USER=None,
                                     SMTP_PASSWORD=None)
        env.__dict__.update(config=config)
    network = BlogNetwork(seed=seed, live=True)
    try:
        sim_base = network.start("127.0.0.1", sim_port)
    except OSError as err:
        raise click.ClickException(f"cannot start the simulated blogs on 127.0.0.1:"
                                   f"{sim_port}: {err.strerror}") from None
    try:
        click.echo(f"simulated blogs on {sim_base} (seed {seed})")
        people, outcomes = prepare(config, sessions, network, clock.now(), seed)
        new = sum(o.new_count for o in outcomes)
        failed = [o for o in outcomes if o.error]
        click.echo(f"first poll: {len(outcomes)} feeds, {new} new diaries"
                   + (f", {len(failed)} failed: {failed[0].error}" if failed else ""))
        if sink is not None:
            click.echo(f"mail (reminders, digests, calls for help) is kept in {mail_folder}, "
                       "not sent")

        def logins() -> None:
            # Last thing before serving, so they are on screen when start-up ends.
            click.echo("demo users (passwords are new on every start; shown only now):")
            for email, role, password in people:
                click.echo(f"  {email} / {password}   ({role})")
            click.echo(f"log in at http://{host}:{port}/login   (Ctrl-C stops the demo)")

        run_web_and_scheduler(env, f"{host}:{port}", on_ready=logins)
    except KeyboardInterrupt:
        pass
    finally:
        network.stop()
        if sink is not None:
            sink[0].stop()
        click.echo("demo stopped")
