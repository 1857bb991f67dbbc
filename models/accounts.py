"""Our own diaries: each teammate's usernames on the sites. (The team's choice to put their
diaries first on the board is a team setting: models.settings.)"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.columns import intpk, site_fk, stamped_now, user_fk


def username_key(name: str | None) -> str:
    """How a username is compared: trimmed and case-folded, as the sites treat "Kos" and
    "kos" as one user. The same key matches a diary's author to a teammate."""
    return (name or "").strip().casefold()


class SiteAccount(Base):
    """A teammate's username on one site: diaries by that author there are "ours"."""

    __tablename__ = "user_site_accounts"
    __table_args__ = (
        # One name on a site belongs to one teammate, whatever its case: two teammates
        # claiming it would make the badge on the board a coin toss. The key is stored
        # (lower-cased in Python) rather than indexed as lower(username): SQLite's lower()
        # folds ASCII only, and the author match runs in Python with the same key.
        UniqueConstraint("site_id", "username_key"),
        CheckConstraint("length(username_key) > 0", name="username_not_empty"),
    )

    id: Mapped[intpk]
    user_id: Mapped[user_fk] = mapped_column(index=True)
    site_id: Mapped[site_fk]
    username: Mapped[str] = mapped_column(String(200))  # as the teammate typed it
    username_key: Mapped[str] = mapped_column(String(200))  # username_key(username)
    created_at: Mapped[stamped_now]

    user = relationship("User")
    site = relationship("Site")

