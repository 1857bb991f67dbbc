"""Calls for help end to end: a real SMTP server and a real chat webhook receiver get one
alert per diary per push, whatever the number of poll rounds; failures never stop a round."""

from __future__ import annotations

import dataclasses
import logging
import re
from datetime import timedelta

from sqlalchemy import select

from app.alerts import service as alerts
from app.alerts import webhook_setting
from app.boost import service as boost
from app.ranking.alerts import calls_for_help
from models import AlertDelivery, AlertPush
from tests import factories
from tests.alerts.conftest import BASE_URL, NOW, poll, sessions_of

FIVE = timedelta(minutes=5)


def rounds(db_session, team, config, n, start=NOW, **kw):
    """``n`` poll rounds five minutes apart, each followed by the calls for help."""
    done = []
    for i in range(n):
        at = start + i * FIVE
        poll(db_session, team, at, **kw)
        done.append(alerts.run(sessions_of(db_session), at, config))
    return done


def test_the_world_is_a_call_for_help(db_session, team):
    _, _, plan = boost.team_plan(db_session, NOW)
    [call] = calls_for_help(plan)
    assert call.diary_id == team.diary.id and call.need > len(team.online)


def test_one_email_per_opted_in_teammate_and_one_chat_post_per_push(
        db_session, team, config, smtp_server, receiver):
    inbox, _ = smtp_server
    webhook_setting.set_webhook_url(db_session, team.admin, receiver.url, NOW)
    rounds(db_session, team, config, 4)
    assert sorted(m["To"] for m in inbox.messages) == sorted(u.email for u in team.opted_in)
    assert len(receiver.bodies) == 1
    # Nobody online, nobody opted out, was mailed.
    for user in [*team.online, *team.quiet, team.admin]:
        assert inbox.to(user.email) == []
    mail = inbox.to(team.opted_in[0].email)[0]
    text = mail.get_body(("plain",)).get_content()
    need = re.search(r"needs ~(\d+) more recs in the next 15 min to reach the rec list", text)
    assert need and int(need.group(1)) > 2
    assert "\u2014 2 of you are online; it needs you." in text
    link = f"{BASE_URL}/boost/?site=dailykos#diary-{team.diary.id}"
    assert link in text
    html = mail.get_body(("html",)).get_content()
    assert "Single payer &lt;now&gt; &amp; @channel" in html and f'href="{link}"' in html
    # The chat post: JSON that Slack, Mattermost and Discord all read, and pings nobody.
    body = receiver.bodies[0]
    assert body["type"] == "application/json"
    assert body["json"]["username"] == "diaryboost"
    assert body["json"]["text"] == body["json"]["content"]
    assert "on Daily Kos needs ~" in body["json"]["text"] and link in body["json"]["text"]
    assert "@channel" not in body["json"]["text"] and "<now>" not in body["json"]["text"]
    assert body["json"]["allowed_mentions"] == {"parse": []}


def test_a_new_push_alerts_again_after_the_diary_fell_out_of_reach(
        db_session, team, config, smtp_server, receiver):
    inbox, _ = smtp_server
    webhook_setting.set_webhook_url(db_session, team.admin, receiver.url, NOW)
    rounds(db_session, team, config, 3)
    assert (len(inbox.messages), len(receiver.bodies)) == (3, 1)
    # Five teammates leave the team: the rest cannot lift it either. The push ends.
    for user in [*team.quiet, team.admin]:
        user.active = False
    done = rounds(db_session, team, config, 2, start=NOW + 3 * FIVE)
    assert done[0].ended == 1
    assert (len(inbox.messages), len(receiver.bodies)) == (3, 1)
    # They are back: a new push, and a new alert for it, once.
    for user in [*team.quiet, team.admin]:
        user.active = True
    done = rounds(db_session, team, config, 3, start=NOW + 5 * FIVE)
    assert done[0].started == 1
    assert (len(inbox.messages), len(receiver.bodies)) == (6, 2)
    pushes = db_session.scalars(select(AlertPush).order_by(AlertPush.id)).all()
    assert [(p.diary_id, p.ended_at is None) for p in pushes] == [
        (team.diary.id, False), (team.diary.id, True)]


def test_a_diary_that_reaches_the_list_ends_its_push_and_alerts_nobody_more(
        db_session, team, config, smtp_server):
    inbox, _ = smtp_server
    rounds(db_session, team, config, 2)
    assert len(inbox.messages) == 3
    # The team did it: 20 recs, well over the bar.
    done = rounds(db_session, team, config, 3, start=NOW + 2 * FIVE, recommends=20)
    assert done[0].ended == 1 and sum(d.started for d in done) == 0
    assert len(inbox.messages) == 3
    push = db_session.scalar(select(AlertPush))
    assert push.ended_at == NOW + 2 * FIVE


def test_a_teammate_who_turns_alerts_off_gets_nothing(db_session, team, config, smtp_server):
    inbox, _ = smtp_server
    leaver = team.opted_in[0]
    leaver.alert_opt_in = False
    rounds(db_session, team, config, 3)
    assert inbox.to(leaver.email) == []
    assert len(inbox.messages) == 2


def test_the_hourly_limit_holds_and_the_rest_come_after_the_hour(
        db_session, team, config, smtp_server):
    inbox, _ = smtp_server
    limited = dataclasses.replace(config, ALERTS_PER_USER_PER_HOUR=1)
    # A second diary calling for help at the same time, a bit nearer the bar.
    other = factories.make_diary(db_session, team.site, title="Medicare for all",
                                 published_at=NOW - timedelta(hours=1))
    factories.make_metric(db_session, other, at=NOW - timedelta(hours=1), recommends=3)
    both = [team.diary, other]
    rounds(db_session, team, config=limited, n=6, diaries=both)
    for user in team.opted_in:
        [only] = inbox.to(user.email)
        assert "Medicare for all" in only["Subject"]  # the nearer one first
    # An hour after the first alert, the other diary's push (still open) reaches them.
    rounds(db_session, team, config=limited, n=1, start=NOW + timedelta(minutes=61),
           diaries=both)
    for user in team.opted_in:
        assert len(inbox.to(user.email)) == 2
    assert len(inbox.messages) == 6


def test_a_restart_or_a_second_scheduler_never_sends_twice(
        db_session, team, config, smtp_server, receiver):
    inbox, _ = smtp_server
    webhook_setting.set_webhook_url(db_session, team.admin, receiver.url, NOW)
    poll(db_session, team, NOW)
    alerts.run(sessions_of(db_session), NOW, config)
    # A second process that loaded the same plan before the first one's claims: its own
    # claims fail on the unique keys, so it sends nothing.
    again = alerts.run(sessions_of(db_session), NOW, config)
    assert (again.emails, again.webhooks) == (0, 0)
    assert (len(inbox.messages), len(receiver.bodies)) == (3, 1)
    claims = db_session.scalars(select(AlertDelivery)).all()
    assert sorted(c.channel for c in claims) == ["email"] * 3 + ["webhook"]
    assert all(c.sent_at == NOW and c.error is None for c in claims)


def test_a_failing_webhook_or_smtp_server_is_recorded_and_the_round_goes_on(
        db_session, team, config, smtp_server, receiver, caplog):
    inbox, _ = smtp_server
    receiver.status = 500
    webhook_setting.set_webhook_url(db_session, team.admin, receiver.url, NOW)
    inbox.refuse_next = 1
    with caplog.at_level(logging.WARNING, logger="diaryboost.alerts"):
        done = rounds(db_session, team, config, 2)
    assert done[0].failed == 2 and done[0].emails == 2
    hook = db_session.scalar(select(AlertDelivery).where(AlertDelivery.channel == "webhook"))
    assert hook.sent_at is None and hook.error == "the chat server answered HTTP 500"
    assert len(receiver.bodies) == 1  # tried once for this push, not at every round
    failed_mail = db_session.scalars(select(AlertDelivery).where(
        AlertDelivery.channel == "email", AlertDelivery.error.is_not(None))).all()
    assert len(failed_mail) == 1 and "451" in failed_mail[0].error
    warned = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warned) == 2  # one line per failure
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "T0SECRET" not in logged and "xyzTOKEN9876" not in logged


def test_a_webhook_refusing_connections_or_too_slow_does_not_stop_the_round(
        db_session, team, config, smtp_server, receiver):
    inbox, _ = smtp_server
    from tests.smtp import free_port

    webhook_setting.set_webhook_url(db_session, team.admin,
                           f"http://127.0.0.1:{free_port()}/hooks/nobody-listens", NOW)
    done = rounds(db_session, team, config, 1)[0]
    assert done.emails == 3 and done.failed == 1
    hook = db_session.scalar(select(AlertDelivery).where(AlertDelivery.channel == "webhook"))
    assert hook.error == "could not connect to the chat server"
    # A chat server that takes longer than ALERT_WEBHOOK_TIMEOUT to answer: given up on.
    receiver.delay = 3 * config.ALERT_WEBHOOK_TIMEOUT
    webhook_setting.set_webhook_url(db_session, team.admin, receiver.url, NOW)
    other = factories.make_diary(db_session, team.site, title="Medicare for all",
                                 published_at=NOW - timedelta(hours=1))
    factories.make_metric(db_session, other, at=NOW - timedelta(hours=1), recommends=2)
    done = rounds(db_session, team, config, 1, start=NOW + FIVE,
                  diaries=[team.diary, other])[0]
    assert done.started == 1 and done.emails == 3
    late = db_session.scalars(select(AlertDelivery).where(
        AlertDelivery.channel == "webhook").order_by(AlertDelivery.id)).all()[-1]
    assert late.sent_at is None and late.error.startswith("no answer within")
