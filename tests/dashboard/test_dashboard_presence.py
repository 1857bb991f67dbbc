"""Who is at the board: heartbeats from Boost today, API calls and actions mark a teammate
present (at most one write a minute); the profile sets their hourly recommend budget."""

from selectolax.lexbor import LexborHTMLParser

from app import clock
from app.accounts.users import issue_api_token
from tests.conftest import csrf_from
from tests.dashboard.conftest import NOW
from tests.factories import hours


def _pin(app, when):
    with app.app_context():
        clock.pin(when)


def _beat(client):
    html = client.get("/boost/").get_data(as_text=True)
    marker = LexborHTMLParser(html).css_first("[data-heartbeat]")
    return client.post(marker.attributes["data-heartbeat"],
                       data={"csrf_token": marker.attributes["data-csrf"]})


def test_heartbeat_marks_presence_at_most_once_a_minute(app, client, login, world, db_session):
    _pin(app, NOW)
    login(world.blogger)
    assert _beat(client).status_code == 204
    db_session.refresh(world.blogger)
    assert world.blogger.last_seen_at == NOW
    _pin(app, NOW + hours(0.5 / 60))
    _beat(client)
    db_session.refresh(world.blogger)
    assert world.blogger.last_seen_at == NOW  # 30 s later: not written again
    _pin(app, NOW + hours(2 / 60))
    _beat(client)
    db_session.refresh(world.blogger)
    assert world.blogger.last_seen_at == NOW + hours(2 / 60)


def test_heartbeat_needs_the_form_token(app, client, login, world):
    _pin(app, NOW)
    login(world.blogger)
    assert client.post("/boost/presence").status_code == 400


def test_an_api_call_marks_presence_and_the_board_counts_it(app, client, login, world,
                                                           db_session, make_user):
    _pin(app, NOW)
    teammate = make_user()
    token = issue_api_token(db_session, teammate)
    assert client.get("/api/v1/boost", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 200
    db_session.refresh(teammate)
    assert teammate.last_seen_at == NOW
    login(world.blogger)
    html = client.get("/boost/").get_data(as_text=True)
    assert "2 teammates online" in html
    _pin(app, NOW + hours(0.25))  # 15 minutes later the API user counts as away
    assert "1 teammate online (you)" in client.get("/boost/").get_data(as_text=True)


def test_profile_sets_the_hourly_budget(client, login, world, db_session):
    login(world.blogger)
    token = csrf_from(client.get("/profile/").get_data(as_text=True))
    form = {"csrf_token": token, "timezone": "America/New_York", "shift_reminder_minutes": "30"}
    bad = client.post("/profile/preferences", data={**form, "recs_per_hour": "0"})
    assert bad.status_code == 400
    assert "Recommends an hour must be between 1 and 60" in bad.get_data(as_text=True)
    db_session.refresh(world.blogger)
    assert world.blogger.recs_per_hour == 6 and world.blogger.timezone != "America/New_York"
    ok = client.post("/profile/preferences", data={**form, "recs_per_hour": "10"})
    assert ok.status_code == 303
    db_session.refresh(world.blogger)
    assert world.blogger.recs_per_hour == 10


def test_teammates_of_a_shift_about_to_start_are_known_as_arriving(world, db_session):
    """The board counts on a shift starting within ARRIVE_HOURS to finish a push: its
    teammates come out of team_state away, with the shift's start."""
    from app import ranking
    from app.boost.presence import team_state
    from models import Shift, ShiftAssignment
    from tests import factories

    soon, later = (factories.make_user(db_session, display_name=name) for name in ("Soon", "Later"))
    for user, starts_in in ((soon, 0.1), (later, ranking.tuning.ARRIVE_HOURS + 1)):
        shift = Shift(starts_at=NOW + hours(starts_in), ends_at=NOW + hours(starts_in + 4))
        db_session.add(shift)
        db_session.flush()
        db_session.add(ShiftAssignment(shift_id=shift.id, user_id=user.id))
    db_session.flush()
    team, _log = team_state(db_session, NOW, [world.rising.id])
    by_id = {t.user_id: t for t in team}
    assert not by_id[soon.id].online
    assert by_id[soon.id].online_from == NOW + hours(0.1)
    assert by_id[later.id].online_from is None
