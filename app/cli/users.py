"""`users create|list|set-role|deactivate|activate|set-password`."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click
from sqlalchemy.orm import Session

from app.accounts import users as user_service
from app.cli import Env, cli, pass_env
from models import ROLES, User
from models.db import unit_of_work


def _read_password() -> str:
    # Never from argv: a prompt on a terminal, otherwise the first line of stdin.
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    if not line.strip():
        raise click.ClickException("no password given on standard input")
    return line.rstrip("\r\n")


@cli.group("users")
def users_group() -> None:
    """Manage teammates."""


@users_group.command("create")
@click.argument("email")
@click.option("--name", "display_name", default="", help="Display name.")
@click.option("--role", type=click.Choice(ROLES), default="blogger", show_default=True)
@click.option("--timezone", default=None, help="IANA zone; default TIMEZONE setting.")
@pass_env
def users_create(env: Env, email: str, display_name: str, role: str, timezone: str | None):
    """Create a user. The password is read from a prompt, or from stdin when piped."""
    password = _read_password()
    with unit_of_work(env.sessions) as session:
        user = user_service.create_user(session, email=email, password=password,
                                        display_name=display_name, role=role,
                                        timezone=timezone or env.config.TIMEZONE)
    click.echo(f"created {user.email} ({user.role}), id {user.id}")


@users_group.command("list")
@pass_env
def users_list(env: Env) -> None:
    """List users with their role and status."""
    with env.sessions() as session:
        rows = user_service.list_users(session)
        if not rows:
            click.echo("no users yet: create one with `python run.py users create EMAIL "
                       "--role admin`")
        for user in rows:
            status = "active" if user.active else "deactivated"
            click.echo(f"{user.id:>4}  {user.email:<36} {user.role:<12} {status:<12} "
                       f"{user.display_name}")


def _change_user(env: Env, email: str, change: Callable[[Session, User], object]) -> User:
    """Apply ``change`` to the user with ``email``, in one unit of work."""
    with unit_of_work(env.sessions) as session:
        user = user_service.find_user(session, email)
        change(session, user)
    return user


@users_group.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@pass_env
def users_set_role(env: Env, email: str, role: str) -> None:
    """Change a user's role."""
    user = _change_user(env, email, lambda session, u: user_service.set_role(session, u, role))
    click.echo(f"{user.email} is now {user.role}")


# One switch, two commands: what each is called, sets, and says in --help.
ACTIVATION = (
    ("deactivate", False, "Deactivate a user: they can no longer log in; their history stays."),
    ("activate", True, "Reactivate a user."),
)


def _activation_command(name: str, active: bool, doc: str) -> None:
    @users_group.command(name, help=doc)
    @click.argument("email")
    @pass_env
    def command(env: Env, email: str) -> None:
        user = _change_user(env, email,
                            lambda session, u: user_service.set_active(session, u, active))
        click.echo(f"{user.email} {name}d")


for _name, _active, _doc in ACTIVATION:
    _activation_command(_name, _active, _doc)


@users_group.command("set-password")
@click.argument("email")
@pass_env
def users_set_password(env: Env, email: str) -> None:
    """Set a new password (prompt or stdin)."""
    password = _read_password()
    _change_user(env, email,
                 lambda session, u: user_service.set_password(session, u, password))
    click.echo(f"password changed for {email}")
