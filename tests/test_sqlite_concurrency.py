"""The scheduler and the web app write one SQLite file at the same time without
"database is locked" errors."""

import threading
import time

from sqlalchemy import select

from models import Site, make_engine, make_session_factory
from models.db import read_only
from models.migrate import upgrade


def _two_writers(sessions, tmp_path):
    errors: list[Exception] = []
    read_done = threading.Event()

    def slow_writer():
        try:
            with sessions() as s:
                s.scalars(select(Site)).all()  # reads first, like poll_feed's store step
                read_done.set()
                time.sleep(0.3)
                s.add(Site(slug="slow", name="Slow", base_url="https://a.example",
                           platform="generic"))
                s.commit()
        except Exception as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)
            read_done.set()

    def quick_writer():
        read_done.wait(5)
        try:
            with sessions() as s:
                s.add(Site(slug="quick", name="Quick", base_url="https://b.example",
                           platform="generic"))
                s.commit()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=slow_writer), threading.Thread(target=quick_writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def test_concurrent_read_then_write_transactions_both_commit(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    upgrade(engine)
    sessions = make_session_factory(engine)
    assert _two_writers(sessions, tmp_path) == []
    with sessions() as s:
        assert set(s.scalars(select(Site.slug))) == {"slow", "quick"}
    engine.dispose()


def test_deferred_sessions_are_for_reading_only(tmp_path):
    """Why writers begin IMMEDIATE: the same work in DEFERRED sessions loses a write."""
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    upgrade(engine)
    errors = _two_writers(read_only(make_session_factory(engine)), tmp_path)
    assert errors and "locked" in str(errors[0])
    engine.dispose()
