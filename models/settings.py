"""Team-wide settings changed in the app, as name → value rows (app.team.settings
reads and writes them): the chat webhook's URL (admins), "Give our own diaries priority"
(coordinators). A missing row means the default."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.columns import by_user_fk


class Setting(Base):
    """One team-wide setting. Values may be secrets (the webhook URL): pages and logs show
    those masked."""

    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]
    updated_by: Mapped[by_user_fk]
