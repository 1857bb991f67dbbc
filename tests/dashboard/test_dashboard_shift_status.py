"""current_shift: held, not released, not cancelled, starts_at <= now < ends_at."""

from app.shifts.status import current_shift
from models import Shift, ShiftAssignment
from tests import factories
from tests.dashboard.conftest import NOW
from tests.factories import hours


def _shift(s, user, site=None, start=-1.0, end=2.0, focus="any", **kw):
    shift = Shift(site_id=site.id if site else None, starts_at=NOW + hours(start),
                  ends_at=NOW + hours(end), focus=focus, **kw)
    s.add(shift)
    s.flush()
    assignment = ShiftAssignment(shift_id=shift.id, user_id=user.id)
    s.add(assignment)
    s.flush()
    return shift, assignment


def test_current_shift_with_site_and_focus(db_session):
    user, site = factories.make_user(db_session), factories.make_site(db_session, name="MyDD")
    shift, _ = _shift(db_session, user, site, focus="comment")
    now = current_shift(db_session, user.id, NOW)
    assert (now.site_id, now.site_name, now.focus, now.ends_at) == (
        site.id, "MyDD", "comment", NOW + hours(2))
    assert now.shift_id == shift.id


def test_window_is_start_inclusive_end_exclusive(db_session):
    user = factories.make_user(db_session)
    _shift(db_session, user, start=0, end=1)
    assert current_shift(db_session, user.id, NOW) is not None
    assert current_shift(db_session, user.id, NOW - hours(0.01)) is None
    assert current_shift(db_session, user.id, NOW + hours(1)) is None


def test_any_site_shift_has_no_site_name(db_session):
    user = factories.make_user(db_session)
    _shift(db_session, user)
    now = current_shift(db_session, user.id, NOW)
    assert now.site_id is None and now.site_name is None


def test_released_cancelled_and_others_shifts_do_not_count(db_session):
    user, other = factories.make_user(db_session), factories.make_user(db_session)
    _, released = _shift(db_session, user)
    released.released_at = NOW - hours(2)
    _shift(db_session, user, cancelled_at=NOW - hours(3))
    _shift(db_session, other)
    db_session.flush()
    assert current_shift(db_session, user.id, NOW) is None


def test_overlapping_shifts_the_one_ending_first_wins(db_session):
    user = factories.make_user(db_session)
    _shift(db_session, user, end=5)
    soon, _ = _shift(db_session, user, end=1)
    assert current_shift(db_session, user.id, NOW).shift_id == soon.id
