"""Team-wide settings kept in the database (models.Setting): one small store, so each
feature reads and writes its own name through the same three functions. Who may change
which setting is the calling service's rule; these only flush, the caller commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from models import Setting


def get(session: Session, name: str) -> Setting | None:
    return session.get(Setting, name)


def value(session: Session, name: str) -> str | None:
    row = session.get(Setting, name)
    return row.value if row is not None else None


def put(session: Session, name: str, value: str, user_id: int | None,
        now: datetime) -> Setting:
    row = session.get(Setting, name)
    if row is None:
        row = Setting(name=name, value=value, updated_at=now, updated_by=user_id)
        session.add(row)
    else:
        row.value, row.updated_at, row.updated_by = value, now, user_id
    session.flush()
    return row


def remove(session: Session, name: str) -> bool:
    """Forget a setting (its default applies again); whether there was one."""
    row = session.get(Setting, name)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True
