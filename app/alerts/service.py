"""Calls for help: after each poll round, alert teammates who opted in (email) and the team's
chat (webhook) about diaries the whole team could lift onto the rec list but those online
cannot. docs/alerts.md explains it for operators.

load the board's plan (``boost.team_plan``) → decide (``app.ranking.alerts``: which pushes
start and end, who is alerted within their hourly limit) → claim (insert one delivery
row per recipient and channel, committed: the unique keys make a second process or a
restart skip what was claimed) → send (after the commit; SMTP and webhook failures are
recorded on the delivery and logged, never raised) → record.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.alerts import webhook
from app.alerts.webhook_setting import webhook_url
from app.boost import service as boost
from app.mail import Mail, send, templates
from app.ranking import alerts as decide
from app.ranking.board import BoardPlan, RecRow
from app.sources import scrape_health
from app.text import plural
from config import Config
from models import AlertDelivery, AlertPush, User
from models.db import unit_of_work

log = logging.getLogger("diaryboost.alerts")

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Call:
    """One diary calling for help, as the alerts word it."""

    push_id: int
    diary_id: int
    title: str
    site_name: str
    need: int
    online: int
    link: str

    @property
    def text(self) -> str:
        return decide.alert_text(self.title, self.site_name, self.need, self.online)


@dataclass(frozen=True)
class _Outgoing:
    delivery_ids: tuple[int, ...]
    channel: str
    mail: Mail | None = None
    text: str = ""  # the webhook's message


@dataclass(frozen=True)
class AlertRun:
    started: int  # pushes started this round
    ended: int  # pushes ended (reached the list, or out of reach)
    emails: int  # sent
    webhooks: int  # sent (one message may carry several diaries)
    failed: int  # deliveries tried and not sent


# One round ----------------------------------------------------------------------------

def run(sessions: sessionmaker[Session], now: datetime, config: Config) -> AlertRun:
    """One round of calls for help, after a poll: start and end pushes, alert who should
    be alerted, at most once per diary per push and ``ALERTS_PER_USER_PER_HOUR`` emails per
    teammate. Its own units of work, like a job: the claims are committed before anything
    is sent (mail after commit: a crash mid-send never sends twice), the outcomes after;
    never raises for a failing SMTP server or webhook."""
    with unit_of_work(sessions) as session:
        started, ended, outgoing = prepare(session, now, config)
        url = webhook_url(session) if outgoing else None
    results = deliver(config, outgoing, url)
    with unit_of_work(sessions) as session:
        record(session, results, now)
    sent = [(o, e) for o, e in results]
    return AlertRun(
        started, ended,
        emails=sum(1 for o, e in sent if o.channel == "email" and e is None),
        webhooks=sum(1 for o, e in sent if o.channel == "webhook" and e is None),
        failed=sum(len(o.delivery_ids) for o, e in sent if e is not None))


def prepare(session: Session, now: datetime, config: Config
            ) -> tuple[int, int, list[_Outgoing]]:
    """Decide and claim; flushes. Returns (pushes started, pushes ended, what to send)."""
    live, team, plan = boost.team_plan(session, now)
    plan = _without_paused_sites(session, plan, now)
    open_pushes = {p.diary_id: p for p in session.scalars(
        select(AlertPush).where(AlertPush.ended_at.is_(None)))}
    changes = decide.push_changes(open_pushes, plan)
    for diary_id in changes.end:
        open_pushes.pop(diary_id).ended_at = now
    session.flush()
    for row in changes.start:
        push = _start_push(session, row.diary_id, now)
        if push is not None:
            open_pushes[row.diary_id] = push
    calls = [r for r in decide.calls_for_help(plan) if r.diary_id in open_pushes]
    if not calls:
        return len(changes.start), len(changes.end), []
    push_ids = {r.diary_id: open_pushes[r.diary_id].id for r in calls}
    words = _calls(live, calls, push_ids, plan.online, config)
    return len(changes.start), len(changes.end), [
        *_claim_emails(session, calls, words, team, now, config),
        *_claim_webhook(session, words, now)]


def _without_paused_sites(session: Session, plan: BoardPlan, now: datetime) -> BoardPlan:
    """A site whose pages stopped showing recommend counts has its needs paused on the
    board (they rest on stale numbers): it calls nobody for help either."""
    paused = scrape_health.recommend_paused(session, now)
    if not paused:
        return plan
    return dataclasses.replace(plan, rows=tuple(r for r in plan.rows
                                                if r.site_slug not in paused))


def _start_push(session: Session, diary_id: int, now: datetime) -> AlertPush | None:
    try:
        with session.begin_nested():
            push = AlertPush(diary_id=diary_id, started_at=now)
            session.add(push)
        return push
    except IntegrityError:
        # Another process opened it a moment ago: go on with theirs.
        return session.scalar(select(AlertPush).where(AlertPush.diary_id == diary_id,
                                                      AlertPush.ended_at.is_(None)))


def _calls(live, calls: list[RecRow], push_ids: dict[int, int], online: int,
           config: Config) -> dict[int, Call]:
    diaries = {d.id: d for d in live.diaries}
    out = {}
    for row in calls:
        d = diaries[row.diary_id]
        site = live.sites[d.site_id]
        # The site's filter keeps the row on the page (Boost today shows its first rows).
        link = (f"{config.BASE_URL}/boost/?{urlencode({'site': site.slug})}"
                f"#diary-{d.id}")
        out[row.diary_id] = Call(push_ids[row.diary_id], d.id, d.title, site.name, row.need,
                                 online, link)
    return out


def _claim(session: Session, push_id: int, user_id: int | None, channel: str,
           now: datetime) -> int | None:
    """Insert the delivery row; None when this push already has it (sent by another run)."""
    try:
        with session.begin_nested():
            delivery = AlertDelivery(push_id=push_id, user_id=user_id, channel=channel,
                                     claimed_at=now)
            session.add(delivery)
        return delivery.id
    except IntegrityError:
        return None


def _claim_emails(session: Session, calls: list[RecRow], words: dict[int, Call], team,
                  now: datetime, config: Config) -> list[_Outgoing]:
    opted_in = set(session.scalars(select(User.id).where(User.alert_opt_in.is_(True),
                                                         User.active.is_(True))))
    if not opted_in or config.ALERTS_PER_USER_PER_HOUR <= 0:
        return []
    push_to_diary = {c.push_id: c.diary_id for c in words.values()}
    already: dict[int, set[int]] = defaultdict(set)
    for push_id, user_id in session.execute(
            select(AlertDelivery.push_id, AlertDelivery.user_id)
            .where(AlertDelivery.push_id.in_(push_to_diary), AlertDelivery.channel == "email")):
        already[push_to_diary[push_id]].add(user_id)
    # Alerts that reached someone, or may still (claimed, not yet recorded), count.
    sent_last_hour = dict(session.execute(
        select(AlertDelivery.user_id, func.count())
        .where(AlertDelivery.channel == "email", AlertDelivery.error.is_(None),
               AlertDelivery.claimed_at > now - HOUR)
        .group_by(AlertDelivery.user_id)).all())
    chosen = decide.recipients(calls, team, opted_in,
                               {k: frozenset(v) for k, v in already.items()},
                               sent_last_hour, config.ALERTS_PER_USER_PER_HOUR)
    users = {u.id: u for u in session.scalars(
        select(User).where(User.id.in_({u for ids in chosen.values() for u in ids})))}
    out = []
    for diary_id, user_ids in chosen.items():
        call = words[diary_id]
        for user_id in user_ids:
            delivery_id = _claim(session, call.push_id, user_id, "email", now)
            if delivery_id is not None:
                out.append(_Outgoing((delivery_id,), "email",
                                     mail=_mail(users[user_id], call, config)))
    return out


def _claim_webhook(session: Session, words: dict[int, Call], now: datetime
                   ) -> list[_Outgoing]:
    """One chat message per round, listing every diary whose push has not been posted."""
    if webhook_url(session) is None:
        return []
    ids, lines = [], []
    for call in words.values():
        delivery_id = _claim(session, call.push_id, None, "webhook", now)
        if delivery_id is not None:
            ids.append(delivery_id)
            lines.append(f"{webhook.chat_safe(call.text)} {call.link}")
    return [_Outgoing(tuple(ids), "webhook", text="\n".join(lines))] if ids else []


def _mail(user: User, call: Call, config: Config) -> Mail:
    context = dict(user=user, call=call, profile_url=f"{config.BASE_URL}/profile/",
                   per_hour=config.ALERTS_PER_USER_PER_HOUR)
    return Mail(to=user.email,
                subject=f"Help wanted: \u201c{call.title}\u201d needs "
                        f"~{plural(call.need, 'more rec', 'more recs')}",
                text=templates().get_template("mail/call_for_help.txt").render(**context),
                html=templates().get_template("mail/call_for_help.html").render(**context))


def deliver(config: Config, outgoing: list[_Outgoing], url: str | None
            ) -> list[tuple[_Outgoing, str | None]]:
    """Send what was claimed; (outgoing, error or None) each. Never raises."""
    results: list[tuple[_Outgoing, str | None]] = []
    mails = [o for o in outgoing if o.channel == "email"]
    if mails:
        by_mail = {id(o.mail): o for o in mails}
        for mail, error in send(config, [o.mail for o in mails]):
            results.append((by_mail[id(mail)], None if error is None else str(error)))
    for o in outgoing:
        if o.channel != "webhook":
            continue
        error = "no webhook is set" if url is None else webhook.post(
            url, o.text, config.ALERT_WEBHOOK_TIMEOUT, config.USER_AGENT)
        results.append((o, error))
    return results


def record(session: Session, results: list[tuple[_Outgoing, str | None]], now: datetime) -> None:
    for o, error in results:
        session.execute(update(AlertDelivery).where(AlertDelivery.id.in_(o.delivery_ids))
                        .values(sent_at=now if error is None else None, error=error)
                        .execution_options(synchronize_session=False))
        if error is not None:
            log.warning("call for help not sent by %s: %s", o.channel, error,
                        extra={"deliveries": list(o.delivery_ids),
                               "to": o.mail.to if o.mail else "webhook"})
    session.flush()
