"""Declarative base, naming convention, the UTC datetime column type, and the column types
the areas share (the primary key, a row's time of creation, the references to a parent)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from sqlalchemy import DateTime, Float, ForeignKey, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, mapped_column

# Stable constraint names so Alembic migrations can drop/alter them on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database.

    SQLite keeps no zone, so values come back naive; we store UTC and re-attach it,
    which lets the rest of the code compare datetimes without guessing.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # float is Float (SQLAlchemy 2.1 would make it Double): the columns the migrations made.
    type_annotation_map = {datetime: UTCDateTime, float: Float}


# Column types for ``Mapped[...]`` (SQLAlchemy's Annotated pattern): each says once what a
# primary key, a "when" that defaults to now, or a reference to a parent row is. Extra
# arguments go on the right as usual (``Mapped[site_fk] = mapped_column(index=True)``),
# ``Mapped[site_fk | None]`` makes the reference optional.
intpk = Annotated[int, mapped_column(primary_key=True)]
stamped_now = Annotated[datetime, mapped_column(default=utcnow)]

# A row that belongs to a site, a teammate or a diary goes when its parent goes.
site_fk = Annotated[int, mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))]
user_fk = Annotated[int, mapped_column(ForeignKey("users.id", ondelete="CASCADE"))]
diary_fk = Annotated[int, mapped_column(ForeignKey("diaries.id", ondelete="CASCADE"))]
# A teammate named as the author of a change (who made a shift, who changed a setting):
# the row stays, without the name, when the teammate is deleted.
user_set_null_fk = Annotated[int | None,
                             mapped_column(ForeignKey("users.id", ondelete="SET NULL"))]
