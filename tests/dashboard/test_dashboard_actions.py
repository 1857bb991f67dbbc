"""log_action: dedupe, cross-post validation, and a cross-post covering its target site."""

import pytest

from app.boost.actions import is_web_url, log_action
from app.boost.service import boost_list
from app.errors import Conflict, NotFound, ValidationError
from models import Action
from tests.dashboard.conftest import NOW


def test_repeat_is_a_conflict_not_a_second_row(db_session, world):
    action = log_action(db_session, user=world.blogger, diary_id=world.rising.id,
                        kind="recommend", now=NOW)
    assert action.target_site_id == world.dk.id and action.at == NOW
    with pytest.raises(Conflict, match="Already logged"):
        log_action(db_session, user=world.blogger, diary_id=world.rising.id, kind="recommend",
                   now=NOW)
    # The session is still usable after the refused repeat.
    log_action(db_session, user=world.blogger, diary_id=world.rising.id, kind="comment", now=NOW)
    assert db_session.query(Action).count() == 2


@pytest.mark.parametrize(("site", "url", "message"), [
    (None, "https://www.dailykos.com/x", "Choose the site"),
    ("mydd", "https://www.mydd.com/x", "another site than the diary's own"),
    ("nosuch", "https://example.org/x", "not a site we follow"),
    ("dailykos", "javascript:alert(1)", "http:// or https://"),
    ("dailykos", "", "http:// or https://"),
    ("dailykos", "https://", "http:// or https://"),
])
def test_crosspost_validation(db_session, world, site, url, message):
    with pytest.raises(ValidationError, match=message):
        log_action(db_session, user=world.blogger, diary_id=world.star.id, kind="crosspost",
                   target_site_slug=site, url=url, now=NOW)


def test_crosspost_to_disabled_site_is_refused(db_session, world):
    world.calitics.enabled = False
    db_session.flush()
    with pytest.raises(ValidationError, match="not a site we follow"):
        log_action(db_session, user=world.blogger, diary_id=world.star.id, kind="crosspost",
                   target_site_slug="calitics", url="https://www.calitics.com/x", now=NOW)


def test_unknown_diary_and_kind(db_session, world):
    with pytest.raises(NotFound):
        log_action(db_session, user=world.blogger, diary_id=10**9, kind="recommend", now=NOW)
    with pytest.raises(ValidationError, match="Unknown action"):
        log_action(db_session, user=world.blogger, diary_id=world.star.id, kind="hug", now=NOW)


def test_crosspost_removes_that_sites_need(db_session, world):
    def star_need():
        rows = [r for r in boost_list(db_session, world.blogger, NOW).rows
                if r.diary_id == world.star.id]
        return rows[0].needs[0].targets if rows else None

    assert star_need() == ("calitics", "dailykos")
    log_action(db_session, user=world.blogger, diary_id=world.star.id, kind="crosspost",
               target_site_slug="dailykos", url="https://www.dailykos.com/story/1", now=NOW)
    assert star_need() == ("calitics",)
    log_action(db_session, user=world.blogger, diary_id=world.star.id, kind="crosspost",
               target_site_slug="calitics", url="https://www.calitics.com/d/1", now=NOW)
    assert star_need() is None  # nothing left to do: off the list


def test_is_web_url():
    assert is_web_url("https://x.org/a") and is_web_url("HTTP://x.org")
    for bad in ("javascript:alert(1)", "data:text/html,x", "//x.org", "/local", "", None,
                "http://"):
        assert not is_web_url(bad)


@pytest.mark.parametrize(("site", "url"), [
    ("calitics", "https://www.dailykos.com/story/1"),   # the diary's own blog, not Calitics
    ("dailykos", "https://www.calitics.com/d/1"),
    ("dailykos", "https://dailykos.com.evil.example/story/1"),
])
def test_a_crosspost_address_must_be_on_the_chosen_site(db_session, world, site, url):
    with pytest.raises(ValidationError, match="not on"):
        log_action(db_session, user=world.blogger, diary_id=world.star.id, kind="crosspost",
                   target_site_slug=site, url=url, now=NOW)
    assert db_session.query(Action).count() == 0


def test_crosspost_address_on_the_site_with_or_without_www_or_under_its_path():
    from app.boost.actions import is_on_site

    assert is_on_site("https://dailykos.com/story/1", "https://www.dailykos.com")
    assert is_on_site("https://m.dailykos.com/story/1", "https://www.dailykos.com/")
    # The simulated blogs share one host and tell themselves apart by path.
    assert is_on_site("http://127.0.0.1:8001/mydd/story/2", "http://127.0.0.1:8001/mydd")
    assert not is_on_site("http://127.0.0.1:8001/calitics/x", "http://127.0.0.1:8001/mydd")
    assert not is_on_site("http://127.0.0.1:8002/mydd/x", "http://127.0.0.1:8001/mydd")
    assert not is_on_site("http://127.0.0.1:8001/myddx/1", "http://127.0.0.1:8001/mydd")
