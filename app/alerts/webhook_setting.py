"""The team chat's webhook address: kept in the team settings table (set by an admin,
checked by app.alerts.webhook, only ever shown masked), and how the last post went."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.alerts import webhook
from app.errors import ValidationError
from app.team import settings as team_settings
from models import AlertDelivery, User

log = logging.getLogger("diaryboost.alerts")

WEBHOOK_SETTING = "alert_webhook_url"


def webhook_url(session: Session) -> str | None:
    return team_settings.value(session, WEBHOOK_SETTING)


def set_webhook_url(session: Session, user: User, url: str, now: datetime) -> None:
    """Save the chat webhook (admins only: the view checks); ValidationError says why a URL
    cannot be one. Flushes; the caller commits."""
    url = (url or "").strip()
    problem = webhook.check_url(url)
    if problem:
        raise ValidationError(problem)
    team_settings.put(session, WEBHOOK_SETTING, url, user.id, now)
    log.info("chat webhook set", extra={"user_id": user.id, "webhook": webhook.mask(url)})


def clear_webhook_url(session: Session, user: User) -> None:
    if team_settings.remove(session, WEBHOOK_SETTING):
        log.info("chat webhook removed", extra={"user_id": user.id})


@dataclass(frozen=True)
class WebhookStatus:
    masked: str  # "" when none is set
    updated_at: datetime | None
    last_sent_at: datetime | None
    last_error: str | None  # the latest attempt's error, None if it went through


def webhook_status(session: Session) -> WebhookStatus:
    row = team_settings.get(session, WEBHOOK_SETTING)
    last = session.execute(
        select(AlertDelivery.sent_at, AlertDelivery.error)
        .where(AlertDelivery.channel == "webhook")
        .order_by(AlertDelivery.claimed_at.desc(), AlertDelivery.id.desc()).limit(1)).first()
    return WebhookStatus(webhook.mask(row.value) if row else "", row.updated_at if row else None,
                         last.sent_at if last else None, last.error if last else None)
