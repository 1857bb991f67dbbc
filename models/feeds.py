"""What each teammate's Atom feed last said about a diary, so an entry's <updated> moves
only when its need moves (feed readers flag every entry whose <updated> changed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class FeedEntryState(Base):
    __tablename__ = "feed_entry_states"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    diary_id: Mapped[int] = mapped_column(ForeignKey("diaries.id", ondelete="CASCADE"),
                                          primary_key=True)
    needs_key: Mapped[str] = mapped_column(String(500))
    changed_at: Mapped[datetime]
