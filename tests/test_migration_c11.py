"""Migration c11_1 on a database written by the previous version: read counts are kept,
never-read zeros become unknown, and copies of one story become one diary."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import MetaData, insert, select

from models.migrate import upgrade
from tests.conftest import fresh_database

T = datetime(2026, 2, 25, 22, 0, tzinfo=UTC)
DK = "https://www.dailykos.com/"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_counts_kept_and_story_copies_merged(backend, tmp_path):
    engine, cleanup = fresh_database(backend, tmp_path, "c11", revision="0001")
    try:
        meta = MetaData()
        meta.reflect(engine)
        sites, diaries, metrics = (meta.tables[n] for n in ("sites", "diaries",
                                                            "diary_metrics"))
        site = dict(slug="dailykos", name="Daily Kos", base_url=DK, platform="dailykos",
                    rec_slots=8, rec_half_life_hours=2.0, rec_fallback_threshold=10.0,
                    rec_window_hours=24.0, comment_target=5, crosspost_window_hours=48.0,
                    enabled=True, created_at=T)

        def diary(guid, url, recs, comments, checked):
            return dict(site_id=1, guid=guid, url=url, title="t", published_at=T,
                        summary_html="", tags=[], topic_score=1.0, topic_terms=[],
                        content_hash="h", first_seen_at=T, last_seen_at=T, recommends=recs,
                        comments=comments, counts_checked_at=checked, on_rec_list=False)

        page = DK + "stories/2026/2/25/2370437/-Mamdani"
        feed = DK + "story/2026/2/25/2370437/-Mamdani?pm_campaign=blog&pm_medium=rss"
        with engine.begin() as conn:
            conn.execute(insert(sites).values(id=1, **site))
            conn.execute(insert(diaries), [
                diary(page, page, 66, 21, T),          # id 1: read from its page
                diary(feed, DK + "story/2026/2/25/2370437/-Mamdani", 0, 0, None),  # a copy
                diary("other", DK + "stories/2026/2/26/2370500/-x", 0, 0, None),  # never read
                diary("blog", "https://blog.example/p/1", 0, 3, T),  # no story id
            ])
            conn.execute(insert(metrics), [
                dict(diary_id=1, observed_at=T, recommends=66, comments=21),
                dict(diary_id=2, observed_at=T, recommends=60, comments=20)])
        upgrade(engine)
        with engine.connect() as conn:
            rows = {r.id: r for r in conn.execute(select(
                diaries.c.id, diaries.c.guid, diaries.c.recommends, diaries.c.comments))}
            moved = conn.execute(select(metrics.c.diary_id)).scalars().all()
        assert set(rows) == {1, 3, 4}  # the copy merged into the oldest row
        assert (rows[1].guid, rows[1].recommends, rows[1].comments) == \
            ("story:2370437", 66, 21)
        assert moved == [1, 1]  # its observations kept, on the one diary
        assert (rows[3].guid, rows[3].recommends, rows[3].comments) == \
            ("story:2370500", None, None)  # a 0 never read was a default, not data
        assert (rows[4].guid, rows[4].recommends, rows[4].comments) == ("blog", 0, 3)
    finally:
        cleanup()
