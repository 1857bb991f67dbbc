"""One teammate's own marks on Boost today rows: "not for me" (dismiss) and "later"
(snooze). Per user, so hiding a row never hides it from the rest of the team."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.columns import diary_fk, one_of, user_fk

MARK_KINDS = ("dismiss", "snooze")


class BoardMark(Base):
    __tablename__ = "board_marks"
    __table_args__ = (
        one_of("kind", MARK_KINDS),
        # A snooze without an end would be a dismiss that says it is not one.
        CheckConstraint("kind = 'dismiss' OR until IS NOT NULL", name="snooze_has_until"),
    )

    # One mark per teammate and diary: a new choice replaces the old one.
    user_id: Mapped[user_fk] = mapped_column(primary_key=True)
    diary_id: Mapped[diary_fk] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    until: Mapped[datetime | None]  # a snooze's end; None for a dismiss
    created_at: Mapped[datetime]
