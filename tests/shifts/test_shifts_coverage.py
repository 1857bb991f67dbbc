"""Coverage: people on per site and hour, weighted by when each site's diaries are posted."""

from datetime import UTC, datetime, timedelta

import pytest

from app.shifts import coverage
from models import Shift, ShiftAssignment
from tests.shifts.conftest import LA, NOW

WEEK_END = NOW + timedelta(days=7)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def posts(make_diary, site, when: datetime, per_week: int, weeks: int = 8):
    """``per_week`` diaries at ``when``'s hour of the week, for each of the last ``weeks``."""
    for week in range(1, weeks + 1):
        for n in range(per_week):
            make_diary(site, published_at=when - timedelta(weeks=week, minutes=-n))


def on_shift(db_session, people, site=None, start=None, hours=3, places=None):
    shift = Shift(site_id=site.id if site else None, starts_at=start,
                  ends_at=start + timedelta(hours=hours), places=places or max(1, len(people)))
    db_session.add(shift)
    db_session.flush()
    for user in people:
        db_session.add(ShiftAssignment(shift_id=shift.id, user_id=user.id))
    db_session.flush()
    return shift


@pytest.fixture
def network(make_site, make_diary, make_user, db_session):
    kos, mydd = make_site(name="Daily Kos"), make_site(name="MyDD")
    posts(make_diary, kos, utc(2026, 11, 18, 2), per_week=3)  # Wed 02:00 UTC = Tue 18:00 LA
    posts(make_diary, kos, utc(2026, 11, 19, 18), per_week=1)  # Thu 18:00 UTC
    posts(make_diary, mydd, utc(2026, 11, 18, 2), per_week=2)
    # Older than the 8-week look-back: ignored.
    make_diary(mydd, published_at=utc(2026, 11, 20, 10) - timedelta(weeks=9))
    people = [make_user() for _ in range(3)]
    kos_shift = on_shift(db_session, people[:2], site=kos, start=utc(2026, 11, 18, 1), places=3)
    any_shift = on_shift(db_session, people[2:], start=utc(2026, 11, 19, 18), hours=1)
    return dict(kos=kos, mydd=mydd, people=people, kos_shift=kos_shift, any_shift=any_shift)


def test_worst_covered_busy_hours_rank_posting_per_person_on(db_session, network):
    gaps = coverage.worst_covered_hours(db_session, NOW, WEEK_END)
    assert [(g.site_name, g.starts_at, g.people_on, g.weight) for g in gaps] == [
        # MyDD posts 2 a week at that hour and nobody is on for MyDD.
        ("MyDD", utc(2026, 11, 18, 2), 0, 2.0),
        # Daily Kos posts more then, but two people are on: 3 / (2 + 1).
        ("Daily Kos", utc(2026, 11, 18, 2), 2, 3.0),
        # The "any site" shift counts for Daily Kos too.
        ("Daily Kos", utc(2026, 11, 19, 18), 1, 1.0),
    ]
    assert coverage.worst_covered_hours(db_session, NOW, WEEK_END, limit=1)[0].site_name == \
        "MyDD"


def test_cancelled_shifts_and_dropped_places_do_not_cover(db_session, network, coordinator):
    network["kos_shift"].cancelled_at = NOW
    network["any_shift"].assignments[0].released_at = NOW
    db_session.flush()
    gaps = coverage.worst_covered_hours(db_session, NOW, WEEK_END)
    assert [(g.site_name, g.people_on, g.weight) for g in gaps] == [
        ("Daily Kos", 0, 3.0), ("MyDD", 0, 2.0), ("Daily Kos", 0, 1.0)]


def test_open_places_lists_shifts_still_needing_people(db_session, network):
    open_any = on_shift(db_session, [], start=utc(2026, 11, 20, 18), places=2)
    places = coverage.open_places(db_session, NOW, WEEK_END)
    assert [(p.shift_id, p.site_name, p.open_count) for p in places] == [
        (network["kos_shift"].id, "Daily Kos", 1), (open_any.id, None, 2)]
    assert places[0].starts_at == utc(2026, 11, 18, 1) and places[0].focus == "any"


def test_week_grid_in_the_viewers_zone(db_session, network):
    kos_grid, mydd_grid = coverage.week_grid(db_session, NOW.astimezone(LA).date(), LA, NOW)
    assert kos_grid.site_name == "Daily Kos" and len(kos_grid.rows) == 7
    tuesday = kos_grid.rows[0]
    assert tuesday.day.isoformat() == "2026-11-17"
    evening = tuesday.cells[18]  # 18:00 in Los Angeles
    assert (evening.people_on, evening.level, evening.gap) == (2, 3, False)
    assert tuesday.cells[17].people_on == 2 and tuesday.cells[17].weight == 0
    mydd_evening = mydd_grid.rows[0].cells[18]
    assert mydd_evening.gap and mydd_evening.people_on == 0
    # Thursday 10:00 in LA = Thursday 18:00 UTC: the any-site shift covers Daily Kos.
    assert kos_grid.rows[2].cells[10].people_on == 1 and kos_grid.rows[2].cells[10].level == 1


def test_week_grid_across_the_dst_change_has_every_local_hour(db_session, make_site):
    make_site(name="Calitics")
    [grid] = coverage.week_grid(db_session, datetime(2026, 10, 31).date(), LA,
                                 utc(2026, 10, 1))
    sunday = grid.rows[1]
    assert sunday.day.isoformat() == "2026-11-01"
    # 01:00 happens twice that night; both hours land in the same cell and none is missing.
    assert all(cell.starts_at is not None for row in grid.rows for cell in row.cells)
    assert sunday.cells[1].starts_at == utc(2026, 11, 1, 8)  # the first 01:00 (PDT)
    assert sunday.cells[2].starts_at == utc(2026, 11, 1, 10)  # 02:00 PST
