"""Team members and what they did for a diary."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.columns import defaults_to, diary_fk, intpk, one_of, site_fk, stamped_now, user_fk

ROLES = ("blogger", "coordinator", "admin")
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
ACTION_KINDS = ("recommend", "comment", "crosspost")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        one_of("role", ROLES),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="blogger")
    timezone: Mapped[str] = mapped_column(String(64), default="America/Los_Angeles")
    digest_opt_in: Mapped[bool] = mapped_column(default=True)
    shift_reminder_minutes: Mapped[int] = mapped_column(default=60)
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # SHA-256 of the secret in the personal Atom and iCalendar URLs: the URLs are shown
    # once, when made, so a database dump does not hand out everyone's calendar.
    feed_secret_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the login identity: bumping it ends every session logged in before.
    session_version: Mapped[int] = defaults_to(1)
    # Part of every unsubscribe link: links in mail already sent keep working (providers
    # post one-click unsubscribes days later) until the user resets them on the profile.
    unsubscribe_generation: Mapped[int] = defaults_to(0)
    created_at: Mapped[stamped_now]
    last_login_at: Mapped[datetime | None]
    # Presence for the board: the last action, API call or focused-tab heartbeat (written at
    # most once a minute), and how many recommends an hour this teammate offers.
    last_seen_at: Mapped[datetime | None]
    recs_per_hour: Mapped[int] = defaults_to(6)
    # Calls for help (a diary the whole team could lift but those online cannot): off
    # until the teammate turns them on in their profile.
    alert_opt_in: Mapped[bool] = defaults_to(False)

    def has_role(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    # Flask-Login protocol, kept here so the model needs no Flask import.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # Flask-Login's "alternative id": a saved session cookie stops working once the
        # version moves on (logout, password change, deactivation).
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class Action(Base):
    """One thing a teammate did for a diary. target_site is the diary's own site for
    recommends and comments, and the site posted to for a cross-post; it is never NULL
    so the unique key really prevents duplicates on every database."""

    __tablename__ = "actions"
    __table_args__ = (
        UniqueConstraint("user_id", "diary_id", "kind", "target_site_id"),
        one_of("kind", ACTION_KINDS),
        Index("ix_actions_diary", "diary_id"),
        Index("ix_actions_at", "at"),
    )

    id: Mapped[intpk]
    user_id: Mapped[user_fk]
    diary_id: Mapped[diary_fk]
    kind: Mapped[str] = mapped_column(String(20))
    target_site_id: Mapped[site_fk]
    url: Mapped[str | None] = mapped_column(String(2000))
    at: Mapped[stamped_now]

    user: Mapped[User] = relationship()
    diary = relationship("Diary")
    target_site = relationship("Site")
