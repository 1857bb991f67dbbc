"""The column types and checks the areas' models share, so that each says once what a
primary key, a time that defaults to now, a reference to a site, a teammate or a diary,
a default kept by the database too, or a value from a list is.

Column types are SQLAlchemy's Annotated pattern: ``id: Mapped[intpk]``. Extra arguments
go on the right as usual (``Mapped[site_fk] = mapped_column(index=True)``), and
``Mapped[site_fk | None]`` makes a reference optional.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from sqlalchemy import CheckConstraint, ForeignKey, false, true
from sqlalchemy.orm import MappedColumn, mapped_column

from models.base import utcnow

intpk = Annotated[int, mapped_column(primary_key=True)]
stamped_now = Annotated[datetime, mapped_column(default=utcnow)]

# A row that belongs to a site, a teammate or a diary goes when its parent goes.
site_fk = Annotated[int, mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))]
user_fk = Annotated[int, mapped_column(ForeignKey("users.id", ondelete="CASCADE"))]
diary_fk = Annotated[int, mapped_column(ForeignKey("diaries.id", ondelete="CASCADE"))]
# The teammate who did something (made a shift, gave someone a place, changed a setting):
# the row stays, without the name, when the teammate is deleted.
by_user_fk = Annotated[int | None, mapped_column(ForeignKey("users.id", ondelete="SET NULL"))]


def defaults_to(value: bool | int | str | date, *type_: object) -> MappedColumn:
    """A column whose default is ``value`` both for the rows we insert and, as the
    database's own default, for the rows a migration found when it added the column."""
    server = false() if value is False else true() if value is True else str(value)
    return mapped_column(*type_, default=value, server_default=server)


# The checks many tables make, each named as the constraint has always been named (the
# naming convention in models.base prefixes the table).
def one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    """``column`` holds one of ``values`` (a platform, a kind, a status); named as the column."""
    return CheckConstraint(f"{column} IN {values!r}", name=column)


def not_negative(column: str, name: str | None = None) -> CheckConstraint:
    """A count or an amount that is never below zero; ``<column>_nonneg`` unless named."""
    return CheckConstraint(f"{column} >= 0", name=name or f"{column}_nonneg")


def at_least_one(column: str) -> CheckConstraint:
    """A whole number that starts at 1 (places, slots, a position on a list)."""
    return CheckConstraint(f"{column} >= 1", name=f"{column}_positive")
