"""Amplification shifts and the teammates who hold their places."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.columns import at_least_one, by_user_fk, intpk, one_of, site_fk, stamped_now, user_fk

FOCUSES = ("any", "recommend", "comment", "crosspost")


class Shift(Base):
    __tablename__ = "shifts"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        at_least_one("places"),
        one_of("focus", FOCUSES),
        Index("ix_shifts_time", "starts_at", "ends_at"),
    )

    id: Mapped[intpk]
    # NULL means "any site".
    site_id: Mapped[site_fk | None]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    focus: Mapped[str] = mapped_column(String(20), default="any")
    places: Mapped[int] = mapped_column(default=1)
    note: Mapped[str | None] = mapped_column(Text)
    # Shifts made together by one "repeat" share a series id.
    series_id: Mapped[str | None] = mapped_column(String(36), index=True)
    created_by_id: Mapped[by_user_fk]
    cancelled_at: Mapped[datetime | None]
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[stamped_now]
    updated_at: Mapped[stamped_now] = mapped_column(onupdate=utcnow)

    site = relationship("Site")
    created_by = relationship("User", foreign_keys="Shift.created_by_id")
    assignments: Mapped[list[ShiftAssignment]] = relationship(
        back_populates="shift", cascade="all, delete-orphan", passive_deletes=True
    )


class ShiftAssignment(Base):
    """A teammate holding one place of a shift. Released places are kept (released_at
    set) so calendar feeds can tell the teammate the event is cancelled."""

    __tablename__ = "shift_assignments"
    __table_args__ = (UniqueConstraint("shift_id", "user_id"),)

    id: Mapped[intpk]
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"))
    user_id: Mapped[user_fk] = mapped_column(index=True)
    assigned_by_id: Mapped[by_user_fk]
    created_at: Mapped[stamped_now]
    released_at: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]
    sequence: Mapped[int] = mapped_column(default=0)

    shift: Mapped[Shift] = relationship(back_populates="assignments")
    user = relationship("User", foreign_keys="ShiftAssignment.user_id")
    assigned_by = relationship("User", foreign_keys="ShiftAssignment.assigned_by_id")
