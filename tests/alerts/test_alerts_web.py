"""Calls for help in the app: the admin's webhook form (kept secret), the teammate's
opt-in, and the board still drawn when the chat server is down. The poll job runs them
under the scheduler's lease."""

from __future__ import annotations

from sqlalchemy import select

from app import clock
from app.alerts import service as alerts
from app.alerts import webhook_setting
from app.jobs.intake import call_for_help
from app.jobs.registry import JobContext, all_jobs
from app.jobs.scheduler import LeaderGuard
from models import AlertDelivery, Setting
from tests.alerts.conftest import NOW, poll, sessions_of
from tests.conftest import csrf_from
from tests.smtp import free_port

PAGE = "/admin/alerts/"


def _token(client, path=PAGE):
    return csrf_from(client.get(path).get_data(as_text=True))


def test_only_admins_reach_the_webhook_form(client, login, team):
    login(team.quiet[0])
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}webhook", data={"url": "https://x.example/h"}).status_code in (
        400, 403)


def test_the_form_refuses_a_url_that_is_not_http(client, login, team, db_session):
    login(team.admin)
    for bad in ("ftp://hooks.example.org/x", "file:///etc/passwd", "javascript:alert(1)",
                "hooks.slack.com/services/x", ""):
        answer = client.post(f"{PAGE}webhook", data={"url": bad, "csrf_token": _token(client)})
        assert answer.status_code == 400
        page = answer.get_data(as_text=True)
        assert ("must start with http:// or https://" in page
                or "Enter the webhook" in page)
    assert db_session.get(Setting, webhook_setting.WEBHOOK_SETTING) is None


def test_the_form_needs_its_csrf_token(client, login, team, db_session):
    login(team.admin)
    answer = client.post(f"{PAGE}webhook", data={"url": "https://hooks.example.org/x"})
    assert answer.status_code == 400
    assert db_session.get(Setting, webhook_setting.WEBHOOK_SETTING) is None


def test_the_webhook_is_saved_and_never_shown_in_full(client, login, team, db_session,
                                                      receiver, config, caplog):
    login(team.admin)
    with caplog.at_level("INFO"):
        saved = client.post(f"{PAGE}webhook", data={"url": receiver.url,
                                                     "csrf_token": _token(client)})
    assert saved.status_code == 303
    assert db_session.get(Setting, webhook_setting.WEBHOOK_SETTING).value == receiver.url
    page = client.get(PAGE)
    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert "http://127.0.0.1/…9876" in html
    for secret in ("T0SECRET", "B0SECRET", "xyzTOKEN", "/hooks/"):
        assert secret not in html
        assert all(secret not in r.getMessage() and secret not in str(r.__dict__)
                   for r in caplog.records)
    # Its failures show on the page, still without the address.
    receiver.status = 500
    poll(db_session, team, NOW)
    alerts.run(sessions_of(db_session), NOW, config)
    html = client.get(PAGE).get_data(as_text=True)
    assert "The last post failed: the chat server answered HTTP 500" in html
    assert "T0SECRET" not in html
    removed = client.post(f"{PAGE}webhook/remove", data={"csrf_token": _token(client)})
    assert removed.status_code == 303
    assert db_session.get(Setting, webhook_setting.WEBHOOK_SETTING) is None


def test_profile_turns_calls_for_help_on_and_off(client, login, team, db_session):
    user = team.quiet[0]
    login(user)
    page = client.get("/profile/").get_data(as_text=True)
    assert 'name="alert_opt_in"' in page and "at most 3 an hour" in page
    assert 'name="alert_opt_in" id="alert_opt_in" checked' not in page
    form = {"csrf_token": _token(client, "/profile/"), "timezone": "America/New_York",
            "shift_reminder_minutes": "30", "recs_per_hour": "6"}
    assert client.post("/profile/preferences", data={**form, "alert_opt_in": "on"}
                       ).status_code == 303
    db_session.refresh(user)
    assert user.alert_opt_in is True
    assert client.post("/profile/preferences", data=form).status_code == 303
    db_session.refresh(user)
    assert user.alert_opt_in is False


def test_the_board_renders_while_the_chat_server_refuses(app, client, login, team, db_session,
                                                         config):
    webhook_setting.set_webhook_url(db_session, team.admin,
                           f"http://127.0.0.1:{free_port()}/hooks/nobody-listens", NOW)
    poll(db_session, team, NOW)
    done = alerts.run(sessions_of(db_session), NOW, config)
    assert done.failed == 1
    with app.app_context():
        clock.pin(NOW)
    login(team.opted_in[0])
    page = client.get("/boost/?site=dailykos")
    assert page.status_code == 200
    assert f'id="diary-{team.diary.id}"' in page.get_data(as_text=True)


def test_the_poll_job_calls_for_help_under_the_lease(session_factory, team, config, db_session,
                                                     smtp_server, receiver):
    inbox, _ = smtp_server
    webhook_setting.set_webhook_url(db_session, team.admin, receiver.url, NOW)
    poll(db_session, team, NOW)
    # Nothing is due for a read (counts just read, no rec list to fetch): the round only
    # calls for help.
    team.site.rec_list_checked_at = NOW
    db_session.flush()
    spec = next(s for s in all_jobs() if s.id == "refresh-counts")
    context = JobContext(config=config, sessions=session_factory, now=lambda: NOW)
    leader = LeaderGuard(session_factory, now=lambda: NOW, holder="first")
    other = LeaderGuard(session_factory, now=lambda: NOW, holder="second")
    leader.wrap(spec, context)()
    other.wrap(spec, context)()  # not the lease holder: skipped
    leader.wrap(spec, context)()  # the next round: nothing new to say
    assert len(inbox.messages) == 3 and len(receiver.bodies) == 1
    assert db_session.scalar(select(AlertDelivery).where(
        AlertDelivery.channel == "webhook")).sent_at == NOW


def test_a_broken_alert_round_never_breaks_the_job(session_factory, team, config, db_session,
                                                    monkeypatch, caplog):
    # The one stand-in in this file: a bug inside the alerts must not fail the poll job.
    def broken(*_args):
        raise RuntimeError("bug")

    monkeypatch.setattr(alerts, "run", broken)
    context = JobContext(config=config, sessions=session_factory, now=lambda: NOW)
    with caplog.at_level("ERROR", logger="diaryboost.jobs"):
        call_for_help(context)
    assert "calls for help failed this round" in caplog.text
