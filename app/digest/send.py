"""Step 3 of 3: deliver the digest once per recipient per week, whatever runs it.

The scheduler job and ``run.py digest send`` both call ``send_week``. Exactly-once is
built from the database, not from luck:

1. one DigestDelivery row per (week, user) is inserted under the unique constraint, so a
   re-run, a restarted or a second scheduler cannot queue a second copy;
2. each row is claimed with an atomic UPDATE pending → sending and committed *before* the
   SMTP conversation, so only one process ever sends it;
3. the outcome is recorded afterwards: sent, or pending again with a backoff, or failed.

A crash between 2 and 3 leaves the row "sending": we would rather miss one digest than
send it twice, and admins see the row on the preview page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from app import mail
from app.digest.build import WeekDigest, build_week
from app.digest.render import recipient_for, render
from app.digest.weeks import latest_send_time, parse_week, week_for_send
from config import Config
from models import DigestDelivery, DigestRun, User
from models.db import unit_of_work

log = logging.getLogger("diaryboost.digest")

RETRY_BASE = timedelta(minutes=5)
GIVE_UP_AFTER = timedelta(days=1)
BATCH = 20


@dataclass(frozen=True)
class SendReport:
    week: str | None
    queued: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0


def retry_delay(attempts: int) -> timedelta:
    """5 min, 10 min, 20 min, ... after the 1st, 2nd, 3rd failed attempt."""
    return RETRY_BASE * (2 ** max(attempts - 1, 0))


def _insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def subscribers(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.active.is_(True),
                                                   User.digest_opt_in.is_(True))
                                .order_by(User.id)))


def queue_week(session: Session, week: str, now: datetime) -> tuple[DigestRun, int]:
    """The week's run, plus a pending delivery for every subscriber who has none yet.

    Returns (run, number of new deliveries). Safe to call any number of times, from any
    number of processes: the unique constraints decide. Flushes; the caller commits.
    """
    insert = _insert(session)
    session.execute(insert(DigestRun).values(week=week, started_at=now, recipients=0)
                    .on_conflict_do_nothing(index_elements=["week"]))
    run = session.scalars(select(DigestRun).where(DigestRun.week == week)).one()
    queued = 0
    for user in subscribers(session):
        result = session.execute(
            insert(DigestDelivery).values(run_id=run.id, week=week, user_id=user.id,
                                          email=user.email, status="pending", attempts=0,
                                          created_at=now)
            .on_conflict_do_nothing(index_elements=["week", "user_id"])
            .returning(DigestDelivery.id))
        # RETURNING, not rowcount: drivers disagree on rowcount for ON CONFLICT inserts.
        queued += len(result.all())
    if queued:
        run.finished_at = None
    run.recipients = session.scalar(
        select(func.count(DigestDelivery.id)).where(DigestDelivery.run_id == run.id)) or 0
    session.flush()
    return run, queued


def send_week(config: Config, sessions: sessionmaker[Session], week: str,
              now: datetime) -> SendReport:
    """Queue ``week`` for every subscriber (once) and send whatever is due now."""
    label = parse_week(week, config.DIGEST_TIMEZONE).label
    with unit_of_work(sessions) as session:
        _, queued = queue_week(session, label, now)
    report = send_due(config, sessions, now, week=label)
    log.info("digest %s: %d queued, %d sent, %d retrying, %d failed", label, queued,
             report.sent, report.retrying, report.failed)
    return SendReport(label, queued, report.sent, report.retrying, report.failed,
                      report.skipped)


def _due(now: datetime, week: str | None):
    conditions = [DigestDelivery.status == "pending",
                  or_(DigestDelivery.next_attempt_at.is_(None),
                      DigestDelivery.next_attempt_at <= now)]
    if week is not None:
        conditions.append(DigestDelivery.week == week)
    return conditions


def send_due(config: Config, sessions: sessionmaker[Session], now: datetime,
             week: str | None = None) -> SendReport:
    """Send every pending delivery due at ``now`` (of ``week``, or of any week)."""
    with sessions() as session:
        weeks = sorted(set(session.scalars(select(DigestDelivery.week).where(*_due(now, week)))))
        # Build before claiming anything: a build error must not strand rows in "sending".
        digests = {w: build_week(session, w, now, config) for w in weeks}
    totals = {"sent": 0, "retrying": 0, "failed": 0, "skipped": 0}
    for w, digest in digests.items():
        while True:
            batch = _claim_batch(sessions, w, now)
            if batch is None:
                break
            for key, n in _deliver(config, sessions, digest, batch, now).items():
                totals[key] += n
        _finish_run(sessions, w, now)
    return SendReport(week, **totals)


def _claim_batch(sessions: sessionmaker[Session], week: str, now: datetime) -> list[int] | None:
    """Claim up to BATCH due deliveries; None when none is left to claim."""
    # Committed before any SMTP traffic: from here on, no other process sends these.
    with unit_of_work(sessions) as session:
        ids = list(session.scalars(select(DigestDelivery.id).where(*_due(now, week))
                                   .order_by(DigestDelivery.id).limit(BATCH)))
        if not ids:
            return None
        claimed = []
        for delivery_id in ids:
            result = session.execute(
                update(DigestDelivery)
                .where(DigestDelivery.id == delivery_id, *_due(now, week))
                .values(status="sending", attempts=DigestDelivery.attempts + 1)
                .execution_options(synchronize_session=False))
            if result.rowcount == 1:
                claimed.append(delivery_id)
        return claimed


def _deliver(config: Config, sessions: sessionmaker[Session], digest: WeekDigest,
             claimed: list[int], now: datetime) -> dict[str, int]:
    counts = {"sent": 0, "retrying": 0, "failed": 0, "skipped": 0}
    if not claimed:
        return counts
    with unit_of_work(sessions) as session:
        deliveries = {d.id: d for d in session.scalars(
            select(DigestDelivery).where(DigestDelivery.id.in_(claimed)))}
        outgoing: list[tuple[int, mail.Mail]] = []
        for delivery in deliveries.values():
            user = session.get(User, delivery.user_id)
            if user is None or not user.active or not user.digest_opt_in:
                # Unsubscribed between queueing and sending.
                delivery.status = "skipped"
                counts["skipped"] += 1
                continue
            recipient = recipient_for(user, config)
            rendered = render(digest, recipient)
            outgoing.append((delivery.id, mail.Mail(
                to=user.email, subject=rendered.subject, text=rendered.text,
                html=rendered.html,
                headers={"List-Unsubscribe": f"<{recipient.unsubscribe_url}>",
                         "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})))
    # No transaction stays open while SMTP talks; the outcomes are a second one.
    results = mail.send(config, [m for _, m in outgoing])
    with unit_of_work(sessions) as session:
        deliveries = {d.id: d for d in session.scalars(select(DigestDelivery).where(
            DigestDelivery.id.in_([delivery_id for delivery_id, _ in outgoing])))}
        for (delivery_id, _), (_, error) in zip(outgoing, results, strict=True):
            outcome = _record(deliveries[delivery_id], error, now)
            counts[outcome] += 1
    return counts


def _record(delivery: DigestDelivery, error: mail.MailError | None, now: datetime) -> str:
    if error is None:
        delivery.status, delivery.sent_at, delivery.last_error = "sent", now, None
        delivery.next_attempt_at = None
        return "sent"
    delivery.last_error = str(error)[:1000]
    retry_at = now + retry_delay(delivery.attempts)
    if error.temporary and retry_at <= delivery.created_at + GIVE_UP_AFTER:
        delivery.status, delivery.next_attempt_at = "pending", retry_at
        log.warning("digest %s to user %s failed (attempt %d), retry at %s: %s",
                    delivery.week, delivery.user_id, delivery.attempts, retry_at, error)
        return "retrying"
    delivery.status, delivery.next_attempt_at = "failed", None
    log.error("digest %s to user %s failed for good after %d attempts: %s",
              delivery.week, delivery.user_id, delivery.attempts, error)
    return "failed"


def _finish_run(sessions: sessionmaker[Session], week: str, now: datetime) -> None:
    with unit_of_work(sessions) as session:
        run = session.scalars(select(DigestRun).where(DigestRun.week == week)).one_or_none()
        if run is None or run.finished_at is not None:
            return
        open_rows = session.scalar(select(func.count(DigestDelivery.id)).where(
            DigestDelivery.run_id == run.id,
            DigestDelivery.status.in_(("pending", "sending")))) or 0
        if not open_rows:
            run.finished_at = now


def run_scheduled(config: Config, sessions: sessionmaker[Session], now: datetime) -> SendReport:
    """What the scheduler does every few minutes.

    The digest for the week just ended is due at the latest DIGEST_WEEKDAY/DIGEST_TIME
    (DIGEST_TIMEZONE) at or before ``now``. Within DIGEST_GRACE_HOURS of that moment an
    unfinished week is (re)sent — this is how a scheduler that was down catches up; later
    than that the week is recorded as skipped, because a digest days late is noise.
    Retries of any week are sent whenever they are due.
    """
    zone = config.DIGEST_TIMEZONE
    send_at = latest_send_time(now, config.DIGEST_WEEKDAY, config.DIGEST_TIME, zone)
    week = week_for_send(send_at, zone).label
    within_grace = now - send_at <= timedelta(hours=config.DIGEST_GRACE_HOURS)
    queued = 0
    with unit_of_work(sessions) as session:
        run = session.scalars(select(DigestRun).where(DigestRun.week == week)).one_or_none()
        if within_grace and (run is None or run.finished_at is None):
            _, queued = queue_week(session, week, now)
        elif run is None:
            # No run at all yet means a new database, not a scheduler that was down:
            # nothing was missed, so nothing to warn about.
            first_start = session.scalar(select(DigestRun.id).limit(1)) is None
            session.execute(_insert(session)(DigestRun)
                            .values(week=week, started_at=now, finished_at=now, recipients=0)
                            .on_conflict_do_nothing(index_elements=["week"]))
            if first_start:
                log.info("digest %s was due before this database existed; the first "
                         "digest goes out at the next scheduled time", week)
            else:
                log.warning("digest %s skipped: its send time %s is more than %s h ago "
                            "(scheduler was down)", week, send_at.isoformat(),
                            config.DIGEST_GRACE_HOURS)
    report = send_due(config, sessions, now)
    return SendReport(week, queued, report.sent, report.retrying, report.failed,
                      report.skipped)


def dry_run(config: Config, session: Session, week: str, now: datetime) -> list[tuple[str, str]]:
    """(email, subject) of every message ``send_week`` would send now; writes nothing."""
    label = parse_week(week, config.DIGEST_TIMEZONE).label
    done = set(session.scalars(select(DigestDelivery.user_id).where(
        DigestDelivery.week == label, DigestDelivery.status.in_(("sent", "sending", "failed",
                                                                  "skipped")))))
    digest = build_week(session, label, now, config)
    return [(user.email, render(digest, recipient_for(user, config)).subject)
            for user in subscribers(session) if user.id not in done]
