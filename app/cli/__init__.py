"""diaryboost's command line: `python run.py COMMAND`. With no command it runs `serve`.

Each area is a module here adding commands to ``cli``; errors users can cause (bad
config, unknown site, unreachable database) print one line and exit non-zero.
"""

from __future__ import annotations

from functools import cached_property

import click
from sqlalchemy.exc import OperationalError

from app.errors import DomainError
from app.validation import MAX_ID
from config import Config, ConfigError
from models import make_engine, make_session_factory


class Env:
    """Lazily built config, engine and session factory for a CLI invocation."""

    @cached_property
    def config(self) -> Config:
        return Config.from_env()

    @cached_property
    def engine(self):
        return make_engine(self.config.DATABASE_URL)

    @cached_property
    def sessions(self):
        return make_session_factory(self.engine)


class FriendlyGroup(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ConfigError as err:
            raise click.ClickException(f"configuration error: {err}") from None
        except DomainError as err:
            raise click.ClickException(err.message) from None
        except OperationalError as err:
            reason = str(err.orig).strip().splitlines()[0] if err.orig else str(err)
            raise click.ClickException(f"cannot reach the database: {reason}") from None


pass_env = click.make_pass_decorator(Env, ensure=True)


@click.group(cls=FriendlyGroup, invoke_without_command=True)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """diaryboost: boost the health-care diaries that need it, when they need it."""
    ctx.ensure_object(Env)
    if ctx.invoked_subcommand is None:
        from app.cli.server import serve

        ctx.invoke(serve)


# A row id on the command line: click refuses a bigger one with a usage error naming the
# argument, instead of the database failing mid-query.
ROW_ID = click.IntRange(0, MAX_ID)

# The command modules, each adding its commands to ``cli``; imported last because they
# import ``cli``, ``pass_env`` and ``ROW_ID`` from here. A new area adds its module here.
from app.cli import (  # noqa: E402, F401
    database,
    demo,
    digest,
    intake,
    server,
    shifts,
    simulate,
    sources,
    users,
)
