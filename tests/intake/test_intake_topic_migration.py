"""Migration d13_3 installs the new default rules into a database already in use."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import MetaData, insert, select, text

from models import Diary, TopicRule, make_engine, make_session_factory
from models.migrate import upgrade
from tests.conftest import BACKENDS, PG_URL, need_postgres

WHEN = datetime(2007, 6, 29, 16, 0, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def engine_before(request, tmp_path):
    """A database migrated only up to the revision before d13_3."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'before.db'}")
        upgrade(engine, "d13_2")
        yield engine
        engine.dispose()
        return
    need_postgres()
    schema = re.sub(r"\W", "_", f"t_mig_{uuid.uuid4().hex[:8]}")
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    upgrade(engine, "d13_2")
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_new_defaults_are_added_edited_rules_kept_and_diaries_retagged(engine_before):
    with engine_before.begin() as conn:
        for phrase, weight, note in [("single payer", 3.0, None), ("Michael Moore", 1.0, None),
                                     ("CNA", 2.0, None), ("nurses", 1.0, "ours")]:
            conn.execute(text("INSERT INTO topic_rules (phrase, weight, field, enabled, note, "
                              "created_at) VALUES (:p, :w, 'any', :e, :n, :c)"),
                         {"p": phrase, "w": weight, "e": True, "n": note,
                          "c": WHEN.replace(tzinfo=None)})
    # Rows written as that release wrote them: its own tables, not today's models (later
    # migrations add columns the database does not have yet).
    meta = MetaData()
    meta.reflect(engine_before)
    sites, diaries = meta.tables["sites"], meta.tables["diaries"]
    with engine_before.begin() as conn:
        site_id = conn.execute(insert(sites).values(
            slug="s", name="S", base_url="http://s.example", platform="generic", rec_slots=8,
            rec_half_life_hours=2.0, rec_fallback_threshold=10.0, rec_window_hours=24.0,
            comment_target=5, crosspost_window_hours=48.0, enabled=True,
            created_at=WHEN)).inserted_primary_key[0]
        for n, (title, summary, score, terms) in enumerate([
                ("Bowling for Columbine, five years later",
                 "Michael Moore's film about guns.", 1.0, ["Michael Moore"]),
                ("Health-care reform: what Edwards gets right", "", 0.0, [])]):
            conn.execute(insert(diaries).values(
                site_id=site_id, guid=f"g{n}", url=f"http://s.example/{n}", title=title,
                summary_html=summary, tags=[], topic_score=score, topic_terms=terms,
                published_at=WHEN, content_hash="0" * 64, first_seen_at=WHEN,
                last_seen_at=WHEN, on_rec_list=False))
    sessions = make_session_factory(engine_before)

    upgrade(engine_before)

    with sessions() as session:
        rules = {r.phrase: r for r in session.scalars(select(TopicRule))}
        assert rules["insulin"].weight == 2.0 and rules["insulin"].enabled
        assert rules["Michael Moore"].needs_context  # an untouched old default: updated
        assert rules["CNA"].weight == 2.0 and not rules["CNA"].needs_context  # edited: kept
        assert rules["nurses"].note == "ours" and not rules["nurses"].needs_context
        assert len([p for p in rules if p.lower() == "single payer"]) == 1
        scored = {d.title: (d.topic_score, d.topic_terms) for d in session.scalars(select(Diary))}
    assert scored["Bowling for Columbine, five years later"] == (0.0, [])
    score, terms = scored["Health-care reform: what Edwards gets right"]
    assert score > 0 and "health care reform" in terms
