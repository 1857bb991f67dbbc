"""PostgreSQL sessions run in UTC (timestamps come back as datetime.UTC and are passed
through as they are), and options given in the URL or in PGOPTIONS, such as a
search_path, still apply."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import text

from models import make_engine
from tests.conftest import PG_URL


def test_postgres_sessions_are_in_utc_and_keep_the_urls_options():
    engine = make_engine(f"{PG_URL}?options=-csearch_path%3Dpublic%2Cpg_catalog")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW timezone")).scalar() == "UTC"
            assert conn.execute(text("SHOW search_path")).scalar() == "public,pg_catalog"
            assert conn.execute(text("SELECT now()")).scalar().tzinfo is UTC
    finally:
        engine.dispose()


def test_pgoptions_still_apply(monkeypatch):
    monkeypatch.setenv("PGOPTIONS", "-csearch_path=pg_catalog,public")
    engine = make_engine(PG_URL)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW timezone")).scalar() == "UTC"
            assert conn.execute(text("SHOW search_path")).scalar() == "pg_catalog,public"
    finally:
        engine.dispose()
