"""Database leases: at most one holder of a name at a time, across processes and hosts.

Used so that only one scheduler per database polls, whatever number of web workers or
scheduler processes are started. Works the same on SQLite and PostgreSQL.

The one service that commits (a documented exception to "services only flush"): a lease
is only a lease once other processes can see it, and losing the insert race to another
process must end the attempt cleanly; so each call is its own transaction, on a session
the caller opens for it alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Lease


def acquire(session: Session, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the lease; True when ``holder`` holds it until ``now + ttl``."""
    result = session.execute(
        update(Lease)
        .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at < now))
        .values(holder=holder, acquired_at=now, expires_at=now + ttl)
    )
    if result.rowcount == 1:
        session.commit()
        return True
    if session.get(Lease, name) is not None:
        session.rollback()
        return False
    try:
        session.add(Lease(name=name, holder=holder, acquired_at=now, expires_at=now + ttl))
        session.commit()
        return True
    except IntegrityError:
        # Another process inserted it first.
        session.rollback()
        return False


def release(session: Session, name: str, holder: str) -> None:
    session.query(Lease).filter(Lease.name == name, Lease.holder == holder).delete()
    session.commit()
