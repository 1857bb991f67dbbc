"""j12b_1 adds the rec-list snapshot tables and the learned-aging columns of sites: a
database at i11_1, with a site, a diary on its list and the diary's counts, keeps them all;
the site has no learned curve yet (the configured one applies), and a snapshot of the
list can be stored at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import MetaData, insert, select

from models.migrate import upgrade
from tests.conftest import fresh_database

T = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_j12b_keeps_sites_and_diaries_and_adds_snapshots(backend, tmp_path):
    engine, cleanup = fresh_database(backend, tmp_path, "j12b", revision="i11_1")
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.begin() as conn:
            conn.execute(insert(meta.tables["sites"]).values(
                slug="dailykos", name="Daily Kos", base_url="https://www.dailykos.com/",
                platform="dailykos", rec_slots=8, rec_half_life_hours=2.0, rec_aging="step",
                rec_fallback_threshold=10.0, rec_window_hours=24.0, comment_target=5,
                crosspost_window_hours=48.0, founded_on=T.date(), rec_list_checked_at=T,
                enabled=True, created_at=T))
            conn.execute(insert(meta.tables["diaries"]).values(
                site_id=1, guid="g1", url="https://www.dailykos.com/stories/1",
                title="Medicare for all", published_at=T, summary_html="", tags=[],
                topic_score=3.0, topic_terms=[], content_hash="h", first_seen_at=T,
                last_seen_at=T, recommends=12, comments=4, on_rec_list=True))
            conn.execute(insert(meta.tables["diary_metrics"]).values(
                diary_id=1, observed_at=T, recommends=12, comments=4))
        upgrade(engine)
        after = MetaData()
        after.reflect(engine)
        sites, diaries = after.tables["sites"], after.tables["diaries"]
        with engine.begin() as conn:
            site = conn.execute(select(sites)).one()
            assert (site.slug, site.rec_aging, site.rec_slots) == ("dailykos", "step", 8)
            assert (site.learned_aging, site.learned_at, site.learned_fit,
                    site.learned_lists) == (None, None, None, None)
            assert conn.execute(select(diaries.c.on_rec_list)).scalar_one() is True
            assert len(conn.execute(select(after.tables["diary_metrics"])).all()) == 1
            snapshot = conn.execute(insert(after.tables["rec_list_snapshots"]).values(
                site_id=1, taken_at=T, list_size=1)).inserted_primary_key[0]
            conn.execute(insert(after.tables["rec_list_entries"]).values(
                snapshot_id=snapshot, position=1, diary_id=1))
            assert len(conn.execute(select(after.tables["rec_list_entries"])).all()) == 1
    finally:
        cleanup()
