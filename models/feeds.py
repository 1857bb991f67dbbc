"""What each teammate's Atom feed last said about a diary, so an entry's <updated> moves
only when its need moves (feed readers flag every entry whose <updated> changed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.columns import diary_fk, user_fk


class FeedEntryState(Base):
    __tablename__ = "feed_entry_states"

    user_id: Mapped[user_fk] = mapped_column(primary_key=True)
    diary_id: Mapped[diary_fk] = mapped_column(primary_key=True)
    needs_key: Mapped[str] = mapped_column(String(500))
    changed_at: Mapped[datetime]
