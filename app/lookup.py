"""One row by its primary key, or the NotFound every service answers a missing id with."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from app.errors import NotFound

T = TypeVar("T")


def by_id(session: Session, model: type[T], ident: object, what: str) -> T:
    """The ``model`` row with key ``ident``; NotFound("No {what} with id …") when there is none."""
    row = session.get(model, ident)
    if row is None:
        raise NotFound(f"No {what} with id {ident}")
    return row
