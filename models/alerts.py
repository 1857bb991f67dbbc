"""Calls for help: a push per diary (from the poll where the whole team, but not those
online, could lift it until it reaches the list or drops out of reach) and one delivery
per recipient and channel per push. The chat webhook's URL is a team setting
(models.settings).

The unique keys are what make "at most once per diary per push" hold across restarts
and several scheduler processes: a second process's insert fails instead of sending.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.columns import diary_fk, intpk, one_of, user_fk

ALERT_CHANNELS = ("email", "webhook")


class AlertPush(Base):
    __tablename__ = "alert_pushes"
    __table_args__ = (
        # One open push per diary, even if two processes see it become liftable at once.
        Index("uq_alert_pushes_open_diary", "diary_id", unique=True,
              sqlite_where="ended_at IS NULL", postgresql_where="ended_at IS NULL"),
    )

    id: Mapped[intpk]
    diary_id: Mapped[diary_fk] = mapped_column(index=True)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class AlertDelivery(Base):
    """One alert sent (or tried) for a push: to a teammate by email, or to the team's chat
    webhook (``user_id`` NULL). Claimed (inserted and committed) before sending."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("push_id", "user_id", "channel"),
        # NULLs are distinct in a unique key: the webhook's one row per push needs its own.
        Index("uq_alert_deliveries_push_webhook", "push_id", "channel", unique=True,
              sqlite_where="user_id IS NULL", postgresql_where="user_id IS NULL"),
        one_of("channel", ALERT_CHANNELS),
        CheckConstraint("(channel = 'webhook') = (user_id IS NULL)", name="recipient"),
        Index("ix_alert_deliveries_user_claimed", "user_id", "claimed_at"),
    )

    id: Mapped[intpk]
    push_id: Mapped[int] = mapped_column(ForeignKey("alert_pushes.id", ondelete="CASCADE"))
    user_id: Mapped[user_fk | None]
    channel: Mapped[str] = mapped_column(String(10))
    claimed_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # Why it was not sent, in words that never carry the webhook's URL.
    error: Mapped[str | None] = mapped_column(Text)
