"""Scraped rec lists, kept as timestamped ordered snapshots for a while.

The board reads the latest snapshot of a site (its order is the site's order); the aging
learner (``app.sources.site_aging``) compares the snapshots of the last days with what
each aging curve would have ranked. Snapshots older than ``SNAPSHOTS_KEPT_DAYS`` are pruned
by the job that takes new ones, so the tables stay small (a site read every 5 minutes with
8 places: ~4,000 snapshots and ~32,000 entries).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.columns import at_least_one, diary_fk, intpk, not_negative, site_fk

SNAPSHOTS_KEPT_DAYS = 14


class RecListSnapshot(Base):
    """One read of a site's rec list."""

    __tablename__ = "rec_list_snapshots"
    __table_args__ = (
        Index("ix_rec_list_snapshots_site_taken", "site_id", "taken_at"),
        not_negative("list_size"),
    )

    id: Mapped[intpk]
    site_id: Mapped[site_fk]
    taken_at: Mapped[datetime]
    # How many items the list showed, ours or not (entries hold only the diaries we know).
    list_size: Mapped[int] = mapped_column(default=0)

    entries: Mapped[list[RecListEntry]] = relationship(
        back_populates="snapshot", cascade="all, delete-orphan", passive_deletes=True,
        order_by="RecListEntry.position")


class RecListEntry(Base):
    """A diary we know, at its place (1 = top) on the site's list in one snapshot."""

    __tablename__ = "rec_list_entries"
    __table_args__ = (
        UniqueConstraint("snapshot_id", "position"),
        at_least_one("position"),
    )

    id: Mapped[intpk]
    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("rec_list_snapshots.id", ondelete="CASCADE"))
    position: Mapped[int]
    diary_id: Mapped[diary_fk] = mapped_column(index=True)

    snapshot: Mapped[RecListSnapshot] = relationship(back_populates="entries")
