"""Blogs we watch, their feeds, and the log of every poll."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.columns import (
    at_least_one,
    defaults_to,
    intpk,
    not_negative,
    one_of,
    site_fk,
    stamped_now,
)

PLATFORMS = ("scoop", "dailykos", "soapblox", "generic")
FEED_KINDS = ("diaries", "tag", "user", "other")
SITE_FOUNDED_ON = date(1999, 1, 1)


class Site(Base):
    __tablename__ = "sites"
    __table_args__ = (
        one_of("platform", PLATFORMS),
        at_least_one("rec_slots"),
        CheckConstraint("rec_half_life_hours > 0", name="half_life_positive"),
        not_negative("comment_target"),
        not_negative("crosspost_window_hours", name="crosspost_window_nonneg"),
        one_of("rec_aging", ("exp", "step")),
    )

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    base_url: Mapped[str] = mapped_column(String(500))
    platform: Mapped[str] = mapped_column(String(20))
    rec_slots: Mapped[int] = mapped_column(default=8)
    rec_half_life_hours: Mapped[float] = mapped_column(default=2.0)
    # How the site ages recommends: "exp" (half-life above) or "step" (the older Daily Kos
    # table, app.ranking.curves.DAILY_KOS_STEPS).
    rec_aging: Mapped[str] = defaults_to("exp", String(10))
    rec_fallback_threshold: Mapped[float] = mapped_column(default=10.0)
    rec_window_hours: Mapped[float] = mapped_column(default=24.0)
    comment_target: Mapped[int] = mapped_column(default=5)
    crosspost_window_hours: Mapped[float] = mapped_column(default=48.0)
    # Entry dates before this are not believed (a feed saying 1970 or 0001 is wrong).
    founded_on: Mapped[date] = defaults_to(SITE_FOUNDED_ON, Date)
    rec_list_url: Mapped[str | None] = mapped_column(String(500))
    # Hosts besides base_url's where this site's diary pages live (one per line). The
    # count scraper fetches diary pages on these hosts only: a feed item linking any
    # other host is stored but never fetched.
    extra_hosts: Mapped[str | None] = mapped_column(Text)
    rec_list_checked_at: Mapped[datetime | None]
    # The aging curve learned from this site's scraped rec lists (app.ranking.learn), as
    # JSON (Curve.to_json); None: not enough lists seen, the configured curve applies.
    learned_aging: Mapped[str | None] = mapped_column(Text)
    learned_at: Mapped[datetime | None]
    learned_fit: Mapped[float | None]  # share of list places it fits
    learned_lists: Mapped[int | None]  # snapshots it was learned from
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[stamped_now]

    feeds: Mapped[list[Feed]] = relationship(back_populates="site", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Site {self.slug}>"


class Feed(Base):
    __tablename__ = "feeds"
    __table_args__ = (
        CheckConstraint("interval_seconds > 0", name="interval_positive"),
        not_negative("error_count"),
        one_of("kind", FEED_KINDS),
        Index("ix_feeds_due", "enabled", "next_poll_at"),
    )

    id: Mapped[intpk]
    site_id: Mapped[site_fk] = mapped_column(index=True)
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="diaries")
    title: Mapped[str | None] = mapped_column(String(300))
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    # Hash of the last body: catches servers whose ETag never changes while content does.
    body_hash: Mapped[str | None] = mapped_column(String(64))
    interval_seconds: Mapped[int] = mapped_column(default=900)
    next_poll_at: Mapped[stamped_now]
    last_polled_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    error_count: Mapped[int] = mapped_column(default=0)
    last_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[stamped_now]

    site: Mapped[Site] = relationship(back_populates="feeds")

    def __repr__(self) -> str:
        return f"<Feed {self.id} {self.url}>"


RULE_FIELDS_EXTRACT = ("recommends", "comments", "author")
RULE_KINDS = ("script", "css", "regex")


class ExtractionRule(Base):
    """An admin's override of where a site's diary pages show one field (scrapers.rules)."""

    __tablename__ = "extraction_rules"
    __table_args__ = (
        UniqueConstraint("site_id", "field"),
        one_of("field", RULE_FIELDS_EXTRACT),
        one_of("kind", RULE_KINDS),
    )

    id: Mapped[intpk]
    site_id: Mapped[site_fk]
    field: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(10))
    expression: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[stamped_now]


class PageRead(Base):
    """One read of a diary page by the count scraper: which fields it found. Scrape
    health (is a site's markup still understood?) is computed from the recent rows."""

    __tablename__ = "page_reads"
    __table_args__ = (Index("ix_page_reads_site_read", "site_id", "read_at"),)

    id: Mapped[intpk]
    site_id: Mapped[site_fk]
    diary_id: Mapped[int | None] = mapped_column(
        ForeignKey("diaries.id", ondelete="SET NULL"))
    read_at: Mapped[datetime]
    found_recommends: Mapped[bool]
    found_comments: Mapped[bool]
    found_author: Mapped[bool]


class LinkResolution(Base):
    """Where a feed's redirect link (FeedBurner's ``/~r/<feed>/~3/<token>/...``) led, read
    once: later polls of the same item reuse it instead of fetching the redirect again."""

    __tablename__ = "link_resolutions"
    __table_args__ = (UniqueConstraint("site_id", "link"),)

    id: Mapped[intpk]
    site_id: Mapped[site_fk]
    link: Mapped[str] = mapped_column(String(2000))
    target_url: Mapped[str] = mapped_column(String(2000))
    resolved_at: Mapped[datetime]


class PollLog(Base):
    __tablename__ = "poll_logs"
    __table_args__ = (
        Index("ix_poll_logs_feed_started", "feed_id", "started_at"),
        CheckConstraint("new_count >= 0 AND updated_count >= 0", name="counts_nonneg"),
    )

    id: Mapped[intpk]
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    http_status: Mapped[int | None]
    # ok | not_modified | unchanged | error | disabled | skipped
    outcome: Mapped[str] = mapped_column(String(20))
    new_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    bozo: Mapped[bool] = mapped_column(default=False)
    warning: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
