"""`db upgrade`: bring the schema to the newest migration (and seed a fresh database)."""


import click
from sqlalchemy import func, inspect, select

from app import clock
from app.cli import Env, cli, pass_env
from models import Site
from models.db import unit_of_work
from models.migrate import upgrade


@cli.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@pass_env
def db_upgrade(env: Env, revision: str) -> None:
    """Apply Alembic migrations (safe to run again: it does nothing when up to date).

    A database with no sites yet gets the default blogs, feeds and topic rules, so a
    fresh install starts polling without any set-up.
    """
    upgrade(env.engine, revision)
    click.echo(f"database is at {revision}: {env.engine.url.render_as_string(hide_password=True)}")
    if not inspect(env.engine).has_table(Site.__tablename__):
        return  # an old revision asked for explicitly
    seeded = False
    with unit_of_work(env.sessions) as session:
        if session.scalar(select(func.count(Site.id))) == 0:
            from scrapers.seeds import seed_defaults

            seed_defaults(session, clock.now())
            seeded = True
    if seeded:
        click.echo("seeded the default sites, feeds and topic rules "
                   "(see `python run.py sources list`)")
