"""A site's aging learned from its rec lists: stored on the site by the hourly job, used by
the board, shown on Sources; the configured curve where no list was read. The rec-list
view shows the latest snapshot in the site's order, with its time."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser
from sqlalchemy import insert

from app import clock
from app.boost import service as boost
from app.jobs import registry as jobs
from app.jobs.registry import JobContext
from app.ranking import DAILY_KOS_STEPS, Curve
from app.sources import site_aging
from app.sources.site_aging import learn_aging
from app.sources.sites import site_settings
from models import DiaryMetric, RecListEntry, RecListSnapshot, Site
from tests import factories
from tests.admin.test_admin_pages import admin  # noqa: F401 - shared fixture
from tests.rec_world import NOW, world

TRUTH = Curve.step(DAILY_KOS_STEPS)


def _store_world(session, site, lists, histories):
    """The world's diaries, their readings and the lists the site showed, as rows."""
    ids = {}
    for key, history in histories.items():
        ids[key] = factories.make_diary(session, site, published_at=history.published_at,
                                        topic_score=0.0, title=f"Story {key}").id
    rows = [dict(diary_id=ids[key], observed_at=o.at, recommends=o.recommends, comments=0)
            for key, history in histories.items() for o in history.observations]
    session.execute(insert(DiaryMetric), rows)
    for seen in lists:
        snapshot = RecListSnapshot(site_id=site.id, taken_at=seen.at,
                                   list_size=len(seen.diary_ids))
        snapshot.entries = [RecListEntry(position=n, diary_id=ids[key])
                            for n, key in enumerate(seen.diary_ids, start=1)]
        session.add(snapshot)
    session.flush()
    return ids


@pytest.fixture
def kos(db_session):
    site = factories.make_site(db_session, slug="kos", name="Kos", rec_slots=8,
                               rec_half_life_hours=2.0, base_url="https://kos.example")
    lists, histories, _ = world(TRUTH, seed=7, slots=8, diaries=100, lists=24)
    ids = _store_world(db_session, site, lists, histories)
    return site, lists, ids


def test_learned_aging_is_stored_used_by_the_board_and_shown(
        app, client, db_session, session_factory, kos, admin):  # noqa: F811
    site, lists, _ids = kos
    plain = factories.make_site(db_session, slug="plain", name="Plain Blog",
                                rec_half_life_hours=4.0)
    context = JobContext(config=app.extensions["diaryboost.config"],
                         sessions=session_factory, now=lambda: NOW)
    learn_job = next(spec for spec in jobs.all_jobs() if spec.id == "learn-aging")
    assert learn_job.func(context) == 1

    db_session.expire_all()
    kos_row, plain_row = db_session.get(Site, site.id), db_session.get(Site, plain.id)
    assert Curve.from_json(kos_row.learned_aging) == TRUTH
    assert kos_row.learned_at == NOW and kos_row.learned_lists == 24
    assert 0.8 < kos_row.learned_fit <= 1.0
    # The board and the digest read settings through one helper: learned where learned.
    assert site_settings(kos_row).aging == TRUTH
    assert site_settings(plain_row).aging == Curve.exponential(4.0)
    assert plain_row.learned_aging is None

    with app.app_context():
        clock.pin(NOW)
    html = client.get("/admin/sources/").get_data(as_text=True)
    tree = LexborHTMLParser(html)
    learned = tree.css_first(f"#aging-{site.id}").text(strip=True)
    fit = round(kos_row.learned_fit * 100)
    assert learned.startswith(f"Aging learned from 24 rec lists: steps: 1 under 5 min, "
                              f"0.75 under 1 h, 0.5 under 3 h, 0.25 under 8 h, 0.1 under "
                              f"24 h (fits {fit} % of list places)")
    assert tree.css_first(f"#aging-{plain.id}").text(strip=True) == \
        "Aging configured: half-life 4 h, no rec list read yet"


def test_too_few_lists_keep_the_configured_curve(db_session, session_factory):
    site = factories.make_site(db_session, slug="kos", name="Kos", rec_slots=8,
                               rec_aging="step", base_url="https://kos.example")
    lists, histories, _ = world(Curve.exponential(1.0), seed=2, slots=8, diaries=40,
                                lists=5)
    _store_world(db_session, site, lists, histories)
    # A curve learned earlier that the evidence no longer supports is dropped.
    site.learned_aging = Curve.exponential(1.0).to_json()
    db_session.flush()
    assert learn_aging(session_factory, NOW) == 0
    db_session.expire_all()
    row = db_session.get(Site, site.id)
    assert (row.learned_aging, row.learned_fit, row.learned_at) == (None, None, None)
    assert site_settings(row).aging == Curve.step()
    assert site_aging.aging_notes(db_session, [row])[row.id] == (
        "Aging configured: steps: 1 under 5 min, 0.75 under 1 h, 0.5 under 3 h, 0.25 under "
        "8 h, 0.1 under 24 h; 5 rec lists read so far, not yet enough to learn it from "
        "(12 needed)")


def test_board_and_rec_list_view_use_the_latest_snapshot_in_order(
        app, client, login, db_session, make_user):
    site = factories.make_site(db_session, slug="dailykos", name="Daily Kos", rec_slots=3,
                               base_url="https://www.dailykos.com")
    now = factories.T0 + factories.hours(30)

    def diary(title, recs, age_h, topic=0.0):
        d = factories.make_diary(db_session, site, title=title, topic_score=topic,
                                 published_at=now - factories.hours(age_h))
        factories.make_metric(db_session, d, at=now - factories.hours(0.05), recommends=recs)
        return d

    # The site ranks a quiet day-old diary second: its order is kept, not re-sorted by count.
    big, old, small = diary("Big thread", 90, 2), diary("Yesterday's story", 5, 26), \
        diary("Small story", 30, 1)
    ours = diary("Medicare for all", 3, 1, topic=3.0)
    earlier = now - factories.hours(2)
    for at, order in ((earlier, [small, big, old]), (now - factories.hours(0.1),
                                                     [big, old, small])):
        snapshot = RecListSnapshot(site_id=site.id, taken_at=at, list_size=4)
        # Place 3 is a diary we do not follow: a gap in our numbering.
        snapshot.entries = [RecListEntry(position=p, diary_id=d.id)
                            for p, d in zip((1, 2, 4), order, strict=True)]
        db_session.add(snapshot)
    db_session.flush()
    user = make_user()
    view = boost.rec_list_view(db_session, user, "dailykos", now)
    assert view.checked_at == now - factories.hours(0.1)
    assert [(e.title, e.position) for e in view.entries[:3]] == [
        ("Big thread", 1), ("Yesterday's story", 2), ("Small story", 4)]
    assert ours.id in {e.diary_id for e in view.entries[3:]}

    with app.app_context():
        clock.pin(now)
    login(user)
    html = client.get("/boost/sites/dailykos/rec-list").get_data(as_text=True)
    items = [li.text(strip=True) for li in LexborHTMLParser(html).css(".rec-list > li")]
    assert items[0].startswith("#1Big thread") and items[1].startswith("#2Yesterday")
    assert items[2].startswith("#4Small story")


def test_learn_aging_command_learns_and_says_where_aging_comes_from(
        tmp_path, db_session, session_factory):
    from click.testing import CliRunner

    from app.cli import Env, cli
    from tests.conftest import make_config

    factories.make_site(db_session, slug="plain", name="Plain", rec_half_life_hours=3.0)
    env = Env()
    env.__dict__["config"] = make_config(tmp_path)
    env.__dict__["sessions"] = session_factory
    result = CliRunner().invoke(cli, ["learn-aging"], obj=env, catch_exceptions=False)
    assert "plain: Aging configured: half-life 3 h, no rec list read yet" in result.output
