"""Upgrading keeps what is stored: a database written by the first release, with a row in
every table, still has every row after `db upgrade` to the newest schema.

On SQLite, Alembic's batch mode re-creates a table to change a column; with foreign keys
on, dropping the old table would run ON DELETE CASCADE and silently empty its children
(users → actions, shift assignments, digest deliveries; diaries → metrics, actions)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import MetaData, func, insert, select

from models.migrate import upgrade
from tests.conftest import fresh_database

T = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)


def _first_release_rows() -> dict[str, list[dict]]:
    # Inserted in this order into a fresh database, so every first row gets id 1.
    return {
        "users": [dict(email="ada@example.org", display_name="Ada", password_hash="x",
                       role="admin", timezone="America/Los_Angeles", digest_opt_in=True,
                       shift_reminder_minutes=60, active=True, created_at=T,
                       feed_secret="old-feed-secret")],
        "sites": [dict(slug="dailykos", name="Daily Kos",
                       base_url="https://www.dailykos.com/", platform="dailykos",
                       rec_slots=8, rec_half_life_hours=2.0, rec_fallback_threshold=10.0,
                       rec_window_hours=24.0, comment_target=5, crosspost_window_hours=48.0,
                       enabled=True, created_at=T)],
        "feeds": [dict(site_id=1, url="https://www.dailykos.com/rss/tag:Community.xml",
                       kind="diaries", interval_seconds=600, next_poll_at=T, error_count=0,
                       enabled=True, created_at=T)],
        "topic_rules": [dict(phrase="single payer", weight=3.0, field="any",
                             enabled=True, created_at=T)],
        "diaries": [dict(site_id=1, guid="g1",
                         url="https://www.dailykos.com/stories/2026/11/2/2380001/-Medicare",
                         title="Medicare for all", published_at=T, summary_html="",
                         tags=[], topic_score=3.0, topic_terms=["medicare"],
                         content_hash="h", first_seen_at=T, last_seen_at=T, recommends=12,
                         comments=4, counts_checked_at=T, on_rec_list=False)],
        "diary_metrics": [dict(diary_id=1, observed_at=T, recommends=12, comments=4)],
        "actions": [dict(user_id=1, diary_id=1, kind="recommend", target_site_id=1,
                         at=T)],
        "poll_logs": [dict(feed_id=1, started_at=T, outcome="ok", new_count=1,
                           updated_count=0, bozo=False)],
        "shifts": [dict(site_id=1, starts_at=T, ends_at=T.replace(hour=20),
                        focus="recommend", places=2, sequence=0, created_at=T,
                        updated_at=T)],
        "shift_assignments": [dict(shift_id=1, user_id=1, created_at=T, sequence=0)],
        "digest_runs": [dict(week="2026-W44", started_at=T, recipients=1)],
        "digest_deliveries": [dict(run_id=1, week="2026-W44", user_id=1,
                                   email="ada@example.org", status="sent", attempts=1,
                                   created_at=T)],
    }


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrading_a_first_release_database_keeps_every_row(backend, tmp_path):
    engine, cleanup = fresh_database(backend, tmp_path, "keep", revision="0001")
    try:
        meta = MetaData()
        meta.reflect(engine)
        rows = _first_release_rows()
        with engine.begin() as conn:
            for table, values in rows.items():
                known = set(meta.tables[table].c.keys())
                conn.execute(insert(meta.tables[table]),
                             [{k: v for k, v in row.items() if k in known} for row in values])
        upgrade(engine)
        after = MetaData()
        after.reflect(engine)
        with engine.connect() as conn:
            counts = {table: conn.scalar(select(func.count()).select_from(after.tables[table]))
                      for table in rows}
        # Every row is kept; topic rules may gain the newer default rules beside it.
        assert counts.pop("topic_rules") >= 1
        assert counts == {table: len(values) for table, values in rows.items()
                          if table != "topic_rules"}
    finally:
        cleanup()
