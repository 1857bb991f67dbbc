"""Every rec list read is kept as a timestamped snapshot in the site's order, for 14 days;
a diary on the latest list stays due for count reads whatever its age."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from models import SNAPSHOTS_KEPT_DAYS, Diary, RecListEntry, RecListSnapshot
from scrapers import store
from scrapers.adapters import get_adapter
from scrapers.counts import due_diaries
from scrapers.poll import poll_feed
from scrapers.rec_lists import refresh_rec_lists
from tests import factories
from tests.factories import T0, hours
from tests.intake.conftest import add_sim_site


def _snapshots(session, site):
    session.expire_all()
    return session.scalars(select(RecListSnapshot).where(RecListSnapshot.site_id == site.id)
                           .order_by(RecListSnapshot.taken_at)).all()


def test_each_list_read_is_a_snapshot_in_the_sites_order(db_session, session_factory,
                                                         network, fetcher):
    site, [feed] = add_sim_site(db_session, network, "dailykos")
    site.rec_list_url = site.base_url + "/rss/tag:Recommended.xml"
    db_session.flush()
    network.advance(6 * 60)
    poll_feed(session_factory, feed.id, network.now, fetcher)
    first_at = network.now
    assert refresh_rec_lists(session_factory, network.now, fetcher, [site.id]) == 1
    network.advance(30)
    poll_feed(session_factory, feed.id, network.now, fetcher)
    assert refresh_rec_lists(session_factory, network.now, fetcher, [site.id]) == 1

    snapshots = _snapshots(db_session, site)
    assert [s.taken_at for s in snapshots] == [first_at, network.now]
    from sim.content import rec_list
    best = rec_list(network.diaries("dailykos"), network.now, 60)
    latest = snapshots[-1]
    assert latest.list_size == len(best) > 0
    story = get_adapter("dailykos").story_id
    stories = {d.id: story(d.url) for d in db_session.scalars(
        select(Diary).where(Diary.site_id == site.id))}
    # Best first, at the places the site gave them; the diaries we store are all there.
    shown = [(e.position, stories[e.diary_id]) for e in latest.entries]
    expected = [(n, str(d.number)) for n, d in enumerate(best, start=1)
                if str(d.number) in stories.values()]
    assert shown == expected and shown
    # The flag still marks the latest list's diaries.
    flagged = {d.id for d in db_session.scalars(select(Diary).where(Diary.on_rec_list))}
    assert flagged == {e.diary_id for e in latest.entries}


def test_a_list_we_know_nothing_of_is_kept_as_an_empty_snapshot(db_session, make_site):
    site = make_site(base_url="https://kos.example")
    store.set_rec_list(db_session, site.id, ["https://kos.example/d/unknown"], now=T0)
    [snapshot] = _snapshots(db_session, site)
    assert (snapshot.list_size, snapshot.entries) == (1, [])


def test_snapshots_older_than_fourteen_days_are_pruned(db_session, make_site, make_diary):
    site = make_site(base_url="https://kos.example")
    diary = make_diary(site, url="https://kos.example/d/1")
    for day in (0, 1, SNAPSHOTS_KEPT_DAYS + 1):
        store.set_rec_list(db_session, site.id, [diary.url], now=T0 + timedelta(days=day))
    kept = _snapshots(db_session, site)
    assert [s.taken_at for s in kept] == [T0 + timedelta(days=1),
                                          T0 + timedelta(days=SNAPSHOTS_KEPT_DAYS + 1)]
    assert db_session.scalar(select(func.count(RecListEntry.id))) == 2
    # Another site's lists are pruned by that site's reads, not this one's.
    other = make_site(base_url="https://other.example")
    store.set_rec_list(db_session, other.id, [], now=T0)
    store.set_rec_list(db_session, site.id, [diary.url], now=T0 + timedelta(days=20))
    assert len(_snapshots(db_session, other)) == 1


def test_a_diary_on_the_latest_list_is_read_whatever_its_age(db_session, make_site):
    now = T0 + hours(48)
    site = make_site(base_url="https://kos.example", rec_window_hours=24.0)

    def diary(age, path):
        d = factories.make_diary(db_session, site, url=f"https://kos.example/d/{path}",
                                 published_at=now - hours(age))
        d.counts_checked_at = now - hours(1)
        return d

    listed_old, dropped_old, unlisted_old, young = (
        diary(30, "a"), diary(30, "b"), diary(30, "c"), diary(2, "d"))
    store.set_rec_list(db_session, site.id, [listed_old.url, dropped_old.url],
                       now=now - hours(2))
    store.set_rec_list(db_session, site.id, [listed_old.url, young.url], now=now - hours(1))
    due = due_diaries(db_session, now, timedelta(minutes=5), site_ids=[site.id])
    assert set(due) == {listed_old.id, young.id}
    assert unlisted_old.id not in due and dropped_old.id not in due
    # Read a minute ago: not due again until the interval has passed, on the list or not.
    listed_old.counts_checked_at = now - timedelta(minutes=1)
    db_session.flush()
    assert listed_old.id not in due_diaries(db_session, now, timedelta(minutes=5),
                                            site_ids=[site.id])
