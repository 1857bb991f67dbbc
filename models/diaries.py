"""Diaries, their recommend/comment time series, and the topic rules that tag them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.columns import defaults_to, diary_fk, intpk, one_of, site_fk, stamped_now

RULE_FIELDS = ("any", "title", "tags", "body")


class Diary(Base):
    __tablename__ = "diaries"
    __table_args__ = (
        UniqueConstraint("site_id", "guid"),
        Index("ix_diaries_site_published", "site_id", "published_at"),
        Index("ix_diaries_live", "topic_score", "published_at"),
        # The young diaries of every site at once (the board's freshness and ETag queries).
        Index("ix_diaries_published", "published_at"),
        # A new guid is matched to a stored diary by link (guid churn; scrapers.store).
        Index("ix_diaries_site_url", "site_id", "url"),
        CheckConstraint("recommends >= 0 AND comments >= 0", name="counts_nonneg"),
    )

    id: Mapped[intpk]
    site_id: Mapped[site_fk]
    guid: Mapped[str] = mapped_column(String(1024))
    url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(1000))
    author: Mapped[str | None] = mapped_column(String(200), index=True)
    published_at: Mapped[datetime]
    summary_html: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list] = mapped_column(JSON, default=list)
    topic_score: Mapped[float] = mapped_column(default=0.0)
    topic_terms: Mapped[list] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[stamped_now]
    last_seen_at: Mapped[stamped_now]
    # Diaries that are copies of one another share a group id (the lowest diary id).
    crosspost_group_id: Mapped[int | None] = mapped_column(index=True)
    # Last known counts, denormalised from diary_metrics so the dashboard does not scan
    # the time series for every row. None: never read (unknown is not zero). A failed
    # read keeps the last known value; counts_read_at says when it was read.
    recommends: Mapped[int | None]
    comments: Mapped[int | None]
    counts_checked_at: Mapped[datetime | None]
    counts_read_at: Mapped[datetime | None]
    on_rec_list: Mapped[bool] = mapped_column(default=False)

    site = relationship("Site")
    metrics: Mapped[list[DiaryMetric]] = relationship(
        back_populates="diary", cascade="all, delete-orphan", passive_deletes=True,
        order_by="DiaryMetric.observed_at",
    )

    def __repr__(self) -> str:
        return f"<Diary {self.id} {self.title[:30]!r}>"


class DiaryMetric(Base):
    __tablename__ = "diary_metrics"
    __table_args__ = (
        Index("ix_diary_metrics_diary_observed", "diary_id", "observed_at"),
        CheckConstraint("recommends >= 0 AND comments >= 0", name="counts_nonneg"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True
    )
    diary_id: Mapped[diary_fk]
    observed_at: Mapped[datetime]
    # None: the page did not show this count at that read (the other one it did).
    recommends: Mapped[int | None]
    comments: Mapped[int | None]

    diary: Mapped[Diary] = relationship(back_populates="metrics")


class TopicRule(Base):
    __tablename__ = "topic_rules"
    __table_args__ = (
        UniqueConstraint("phrase", "field"),
        one_of("field", RULE_FIELDS),
        CheckConstraint("length(phrase) > 0", name="phrase_nonempty"),
    )

    id: Mapped[intpk]
    phrase: Mapped[str] = mapped_column(String(200))
    weight: Mapped[float] = mapped_column(default=1.0)
    field: Mapped[str] = mapped_column(String(10), default="any")
    # An ambiguous phrase ("Moore"): it scores only where an unambiguous rule matched too.
    needs_context: Mapped[bool] = defaults_to(False)
    enabled: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[stamped_now]
