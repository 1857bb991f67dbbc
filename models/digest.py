"""Weekly digest runs and one delivery record per recipient per week."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.columns import intpk, not_negative, one_of, stamped_now, user_fk

DELIVERY_STATUSES = ("pending", "sending", "sent", "failed", "skipped")


class DigestRun(Base):
    __tablename__ = "digest_runs"

    id: Mapped[intpk]
    week: Mapped[str] = mapped_column(String(8), unique=True)  # ISO week: 2026-W47
    started_at: Mapped[stamped_now]
    finished_at: Mapped[datetime | None]
    recipients: Mapped[int] = mapped_column(default=0)

    deliveries: Mapped[list[DigestDelivery]] = relationship(back_populates="run")


class DigestDelivery(Base):
    __tablename__ = "digest_deliveries"
    __table_args__ = (
        UniqueConstraint("week", "user_id"),
        one_of("status", DELIVERY_STATUSES),
        not_negative("attempts"),
    )

    id: Mapped[intpk]
    run_id: Mapped[int] = mapped_column(ForeignKey("digest_runs.id", ondelete="CASCADE"))
    week: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[user_fk]
    email: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[stamped_now]

    run: Mapped[DigestRun] = relationship(back_populates="deliveries")
    user = relationship("User")
