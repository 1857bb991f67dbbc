"""Sending through a real SMTP server: once per subscriber, retries, catch-up after downtime."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.digest.send import dry_run, run_scheduled, send_week
from models import DigestDelivery, DigestRun
from tests.digest.seed import SEND_AT, WEEK, seed_week

SUBSCRIBERS = {"alice@example.org", "bob@example.org", "admin@example.org"}


def _deliveries(db_session):
    db_session.expire_all()
    return {d.email: d for d in db_session.scalars(
        select(DigestDelivery).where(DigestDelivery.week == WEEK))}


def test_each_subscriber_gets_one_multipart_message(db_session, session_factory, mail_config,
                                                    smtp_server):
    inbox, _ = smtp_server
    seed_week(db_session)
    report = send_week(mail_config, session_factory, WEEK, SEND_AT)
    assert (report.queued, report.sent, report.failed) == (3, 3, 0)
    # Carol opted out; everyone else gets exactly one.
    assert sorted(m["To"] for m in inbox.messages) == sorted(SUBSCRIBERS)
    msg = inbox.to("alice@example.org")[0]
    # Python's header folding may double a space next to an encoded "—"; clients collapse it.
    assert " ".join(msg["Subject"].split()) == (
        "diaryboost weekly: 3 diaries boosted, 2 made the rec list — "
        "week of 16 Nov — top: Medicare for all: the vote count")
    assert msg["From"] == "diaryboost <team@diaryboost.test>"
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Single payer in California" in text and "missed by ~2 recs" in text
    assert "Single payer in California" in html and "<table" in html
    match = re.fullmatch(r"<(http://127\.0\.0\.1:5000/digest/unsubscribe/[\w.\-]+)>",
                         msg["List-Unsubscribe"])
    assert match and match[1] in text and match[1] in html
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Feeds in trouble go to admins only.
    assert "Feeds in trouble" not in text
    admin_text = inbox.to("admin@example.org")[0].get_body(("plain",)).get_content()
    assert "failing: 7 errors in a row" in admin_text
    assert {d.status for d in _deliveries(db_session).values()} == {"sent"}


def test_a_second_send_for_the_same_week_sends_nothing(db_session, session_factory,
                                                       mail_config, smtp_server):
    inbox, _ = smtp_server
    seed_week(db_session)
    send_week(mail_config, session_factory, WEEK, SEND_AT)
    again = send_week(mail_config, session_factory, WEEK, SEND_AT + timedelta(hours=1))
    assert (again.queued, again.sent) == (0, 0)
    assert len(inbox.messages) == 3
    assert dry_run(mail_config, db_session, WEEK, SEND_AT) == []


def test_a_refused_message_is_retried_after_the_backoff(db_session, session_factory,
                                                        mail_config, smtp_server):
    inbox, _ = smtp_server
    seed_week(db_session)
    inbox.refuse_next = 1
    first = send_week(mail_config, session_factory, WEEK, SEND_AT)
    assert (first.sent, first.retrying) == (2, 1)
    refused = next(d for d in _deliveries(db_session).values() if d.status == "pending")
    assert refused.attempts == 1 and "451" in refused.last_error
    assert refused.next_attempt_at == SEND_AT + timedelta(minutes=5)
    # Not before its time...
    assert run_scheduled(mail_config, session_factory, SEND_AT + timedelta(minutes=3)).sent == 0
    # ...and then exactly once.
    later = run_scheduled(mail_config, session_factory, SEND_AT + timedelta(minutes=6))
    assert later.sent == 1
    assert len(inbox.to(refused.email)) == 1 and len(inbox.messages) == 3
    delivery = _deliveries(db_session)[refused.email]
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, None)
    run = db_session.scalars(select(DigestRun).where(DigestRun.week == WEEK)).one()
    assert run.finished_at == SEND_AT + timedelta(minutes=6) and run.recipients == 3


def test_a_message_still_refused_after_a_day_is_marked_failed(db_session, session_factory,
                                                              mail_config, smtp_server,
                                                              make_user):
    inbox, _ = smtp_server
    make_user(email="only@example.org")
    inbox.refuse_next = 1000
    now = SEND_AT
    send_week(mail_config, session_factory, WEEK, now)
    for _ in range(15):
        delivery = _deliveries(db_session)["only@example.org"]
        if delivery.status != "pending":
            break
        now = delivery.next_attempt_at
        run_scheduled(mail_config, session_factory, now)
    assert delivery.status == "failed" and delivery.next_attempt_at is None
    assert delivery.attempts == 9  # 5 min doubling: the 9th try is the last within a day
    assert now - SEND_AT < timedelta(days=1)
    assert inbox.messages == []


def test_missed_while_down_is_sent_once_within_grace(db_session, session_factory,
                                                     mail_config, smtp_server):
    inbox, _ = smtp_server
    seed_week(db_session)
    # Before Monday 08:00 nothing for W47 is due.
    assert run_scheduled(mail_config, session_factory, SEND_AT - timedelta(minutes=5)).sent == 0
    assert inbox.messages == []
    # The scheduler comes back three hours late: it catches up, once.
    back = SEND_AT + timedelta(hours=3)
    assert run_scheduled(mail_config, session_factory, back).sent == 3
    assert run_scheduled(mail_config, session_factory, back + timedelta(minutes=5)).sent == 0
    assert len(inbox.messages) == 3


def test_missed_beyond_grace_is_skipped_and_logged(db_session, session_factory, mail_config,
                                                   smtp_server, caplog):
    inbox, _ = smtp_server
    seed_week(db_session)
    # An installation that has sent digests before (W46), so missing W47 is news.
    db_session.add(DigestRun(week="2026-W46", started_at=SEND_AT - timedelta(days=7),
                             finished_at=SEND_AT - timedelta(days=7), recipients=3))
    db_session.flush()
    report = run_scheduled(mail_config, session_factory, SEND_AT + timedelta(hours=13))
    assert (report.week, report.sent) == (WEEK, 0)
    assert inbox.messages == []
    assert "digest 2026-W47 skipped" in caplog.text
    run = db_session.scalars(select(DigestRun).where(DigestRun.week == WEEK)).one()
    assert run.recipients == 0 and run.finished_at is not None
    assert run_scheduled(mail_config, session_factory, SEND_AT + timedelta(hours=14)).sent == 0
    # Sending by hand is still possible.
    assert send_week(mail_config, session_factory, WEEK, SEND_AT + timedelta(hours=15)).sent == 3


def test_a_new_database_does_not_warn_about_a_missed_digest(
        db_session, session_factory, mail_config, smtp_server, caplog):
    """The first start of a fresh install, days after Monday's send time: nothing was
    missed, so no "skipped (scheduler was down)" warning (issue 14)."""
    seed_week(db_session)
    report = run_scheduled(mail_config, session_factory, SEND_AT + timedelta(days=2))
    assert report.sent == 0
    assert "skipped" not in caplog.text and not [
        r for r in caplog.records if r.levelname == "WARNING"]
    assert db_session.scalars(select(DigestRun).where(DigestRun.week == WEEK)).one()


def test_unsubscribed_after_queueing_is_skipped(db_session, session_factory, mail_config,
                                                smtp_server):
    inbox, _ = smtp_server
    s = seed_week(db_session)
    inbox.refuse_next = 3
    send_week(mail_config, session_factory, WEEK, SEND_AT)
    s.bob.digest_opt_in = False
    db_session.flush()
    later = run_scheduled(mail_config, session_factory, SEND_AT + timedelta(minutes=6))
    assert (later.sent, later.skipped) == (2, 1)
    assert inbox.to("bob@example.org") == []


def test_a_delivery_claimed_by_another_process_is_not_sent_again(db_session, session_factory,
                                                                  mail_config, smtp_server):
    from app.digest.send import _claim_batch, queue_week, send_due

    inbox, _ = smtp_server
    seed_week(db_session)
    queue_week(db_session, WEEK, SEND_AT)
    # Another scheduler claimed the rows and is still talking to its SMTP server.
    claimed = _claim_batch(session_factory, WEEK, SEND_AT)
    assert len(claimed) == 3
    assert send_due(mail_config, session_factory, SEND_AT).sent == 0
    assert inbox.messages == []
    assert {d.status for d in _deliveries(db_session).values()} == {"sending"}
