"""`db upgrade`: bring the schema to the newest migration."""

import click

from app.cli import Env, cli, pass_env
from models.migrate import upgrade


@cli.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@pass_env
def db_upgrade(env: Env, revision: str) -> None:
    """Apply Alembic migrations (safe to run again: it does nothing when up to date)."""
    upgrade(env.engine, revision)
    click.echo(f"database is at {revision}: {env.engine.url.render_as_string(hide_password=True)}")
