"""Is this teammate on shift right now? The dashboard puts the shift's site and focus first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Shift, ShiftAssignment, Site


@dataclass(frozen=True)
class ShiftNow:
    site_id: int | None  # None: the shift covers any site
    site_name: str | None
    focus: str  # any | recommend | comment | crosspost
    ends_at: datetime
    shift_id: int = 0
    site_slug: str | None = None


def current_shift(session: Session, user_id: int, now: datetime) -> ShiftNow | None:
    """The shift ``user_id`` holds at ``now`` (starts_at <= now < ends_at), or None.

    A released place or a cancelled shift does not count. With overlapping shifts the one
    ending first wins: it is the one the teammate has to finish now.
    """
    row = session.execute(
        select(Shift.id, Shift.site_id, Site.name, Site.slug, Shift.focus, Shift.ends_at)
        .join(ShiftAssignment, ShiftAssignment.shift_id == Shift.id)
        .outerjoin(Site, Site.id == Shift.site_id)
        .where(ShiftAssignment.user_id == user_id,
               ShiftAssignment.released_at.is_(None),
               Shift.cancelled_at.is_(None),
               Shift.starts_at <= now, Shift.ends_at > now)
        .order_by(Shift.ends_at, Shift.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    shift_id, site_id, site_name, site_slug, focus, ends_at = row
    return ShiftNow(site_id=site_id, site_name=site_name, focus=focus, ends_at=ends_at,
                    shift_id=shift_id, site_slug=site_slug)
