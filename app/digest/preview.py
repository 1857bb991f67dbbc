"""What the preview page shows: the week's digest as one recipient gets it, and (admins)
how its delivery went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.digest.build import build_week
from app.digest.render import RenderedDigest, recipient_for, render
from app.digest.weeks import last_full_week, parse_week
from config import Config
from models import DigestDelivery, DigestRun, User


@dataclass(frozen=True)
class PreviewPage:
    week: str
    days: str  # "Mon 16 – Sun 22 Nov 2026"
    previous_week: str
    next_week: str | None  # None when that week has not started yet
    rendered: RenderedDigest
    run: DigestRun | None
    deliveries: tuple[DigestDelivery, ...]  # admins only; empty for coordinators


def default_week(now: datetime, config: Config) -> str:
    """The week just ended: the one Monday's digest is about."""
    return last_full_week(now, config.DIGEST_TIMEZONE).label


def preview_page(session: Session, week: str | None, now: datetime, config: Config,
                 viewer: User) -> PreviewPage:
    """The digest of ``week`` (default: the last full week) rendered for ``viewer``."""
    zone = config.DIGEST_TIMEZONE
    span = parse_week(week or default_week(now, config), zone)
    digest = build_week(session, span.label, now, config)
    rendered = render(digest, recipient_for(viewer, config))
    following = span.next(zone)
    run = session.scalars(select(DigestRun).where(DigestRun.week == span.label)).one_or_none()
    deliveries: tuple[DigestDelivery, ...] = ()
    if viewer.role == "admin":
        deliveries = tuple(session.scalars(
            select(DigestDelivery).where(DigestDelivery.week == span.label)
            .order_by(DigestDelivery.status, DigestDelivery.email)))
    return PreviewPage(week=span.label, days=span.days, previous_week=span.previous(zone).label,
                       next_week=following.label if following.start <= now else None,
                       rendered=rendered, run=run, deliveries=deliveries)


def preview_html(session: Session, week: str | None, now: datetime, config: Config,
                 viewer: User) -> str:
    """Only the HTML part, for the preview page's frame."""
    span = parse_week(week or default_week(now, config), config.DIGEST_TIMEZONE)
    digest = build_week(session, span.label, now, config)
    return render(digest, recipient_for(viewer, config)).html
