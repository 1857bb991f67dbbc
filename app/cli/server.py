"""`serve` (web + scheduler, one process), `web` (gunicorn workers), `scheduler`."""

from __future__ import annotations

import gc
import logging
import signal

import click

from app.cli import Env, cli, pass_env
from config import Config

GC_THRESHOLD = 20_000  # allocations between two young-generation collections (default 700)

log = logging.getLogger("diaryboost")


def first_run_hint(env: Env, public_url: str) -> str | None:
    """What to do when the database has no users yet, or None when it has some."""
    from app.team import invites

    with env.sessions() as session:
        if not invites.setup_needed(session):
            return None
    token = invites.setup_token(env.config.SECRET_KEY)
    return ("\nNo users yet. Create the first admin (once) at:\n"
            f"    {public_url.rstrip('/')}/setup?token={token}\n"
            "or on this machine:\n"
            "    .venv/bin/python run.py users create you@example.org --role admin\n")


def _logging() -> None:
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # APScheduler logs every job run (a dozen lines a minute): they buried the first-run
    # hint. Our jobs log one line per round themselves (diaryboost.jobs).
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def stop_on_sigterm() -> None:
    """SIGTERM ends the process the way Ctrl-C does: through every ``finally`` and
    ``atexit`` (scheduler, parser processes), so nothing is left running or leaked."""

    def _stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)


def run_web_and_scheduler(env: Env, bind: str | None, on_ready=None) -> None:
    """The web app and the scheduler in this process until Ctrl-C or SIGTERM.
    ``on_ready`` runs once both are up, just before requests are served."""
    from waitress import serve as waitress_serve

    from app import create_app
    from app.jobs.scheduler import build_scheduler

    config = env.config
    app = create_app(config, env.sessions)
    scheduler = guard = None
    if config.SCHEDULER_ENABLED:
        scheduler, guard = build_scheduler(config, env.sessions, blocking=False)
        scheduler.start()
    host, _, port = (bind or config.WEB_BIND).rpartition(":")
    click.echo(f"diaryboost on http://{host}:{port} (database "
               f"{env.engine.url.render_as_string(hide_password=True)})")
    hint = first_run_hint(env, config.BASE_URL)
    if hint:
        click.echo(hint)
    if on_ready is not None:
        on_ready()
    tune_gc()
    try:
        waitress_serve(app, host=host, port=int(port), threads=8, ident="diaryboost")
    except KeyboardInterrupt:
        pass
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
            guard.release()


def tune_gc() -> None:
    """Fewer, cheaper garbage collections in a long-running server. A board plan makes
    ~100,000 short-lived objects; with the default threshold (700) the collector ran
    through the whole heap dozens of times per plan, about a third of its time. What the
    app holds after start-up (modules, templates, the mapper) is frozen out of the
    collector's scans."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 50, 100)


def web_workers(config: Config, requested: int | None) -> int:
    """Worker processes for `web`; several only when Redis shares the login counters."""
    workers = requested or config.WEB_WORKERS
    if workers < 1:
        raise click.UsageError("--workers must be at least 1")
    if workers > 1 and not config.REDIS_URL:
        raise click.UsageError(
            f"{workers} web workers need REDIS_URL: without Redis each worker counts failed "
            "logins on its own, so guessing passwords gets that many times more tries. "
            "Set REDIS_URL, or run one worker (the default without Redis).")
    return workers


@cli.command("serve")
@click.option("--bind", default=None, help="host:port (default WEB_BIND).")
@pass_env
def serve(env: Env, bind: str | None) -> None:
    """Web app and scheduler in one process: one machine, the embedded SQLite."""
    _logging()
    stop_on_sigterm()
    run_web_and_scheduler(env, bind)


@cli.command("web")
@click.option("--workers", type=int, default=None, help="Worker processes (default WEB_WORKERS).")
@click.option("--bind", default=None, help="host:port (default WEB_BIND).")
@pass_env
def web(env: Env, workers: int | None, bind: str | None) -> None:
    """Production web server (gunicorn); run the scheduler separately."""
    from gunicorn.app.base import BaseApplication

    from app import create_app
    from app.web import access_log

    config = env.config
    worker_count = web_workers(config, workers)
    hint = first_run_hint(env, config.BASE_URL)
    if hint:
        click.echo(hint)

    class _Gunicorn(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", bind or config.WEB_BIND)
            self.cfg.set("workers", worker_count)
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", "-")
            # URLs that are credentials (personal feeds, unsubscribe links) are masked.
            self.cfg.set("logger_class", access_log.gunicorn_logger_class())

        def load(self):
            # Each worker builds its own app and connection pool after the fork.
            app = create_app(Config.from_env())
            tune_gc()
            return app

    _Gunicorn().run()


@cli.command("scheduler")
@pass_env
def scheduler_cmd(env: Env) -> None:
    """The scheduler process (one per database is active; others wait as stand-bys)."""
    from app.jobs.scheduler import build_scheduler

    _logging()
    scheduler, guard = build_scheduler(env.config, env.sessions, blocking=True)

    def _stop(*_):
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, _stop)
    click.echo("diaryboost scheduler started")
    try:
        scheduler.start()
    finally:
        guard.release()
