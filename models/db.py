"""Engine and the one session factory, usable with or without Flask."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout.

    WAL plus a busy timeout lets the scheduler and the web app write the same file
    at once without "database is locked" errors.
    """
    if url.startswith("sqlite"):
        _create_private(make_url(url).database)
        kwargs.setdefault("connect_args", {})
        kwargs["connect_args"].setdefault("timeout", 30)
        kwargs["connect_args"].setdefault("check_same_thread", False)
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # Python's sqlite3 opens implicit transactions itself; let SQLAlchemy
            # issue BEGIN so a write lock is taken at a point we control.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            if not url.endswith(":memory:") and url != "sqlite://":
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # Writers take the write lock up front. A deferred transaction that has read
            # cannot upgrade to a writer once another connection committed (SQLITE_BUSY
            # at once, the busy timeout does not help), which failed concurrent polls.
            # Read-only work opts into DEFERRED with execution_options(sqlite_begin=...).
            mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _utc_session(dbapi_conn, _record):
            # Sessions in UTC: psycopg then returns timestamps with datetime.UTC itself,
            # which UTCDateTime passes through untouched (tens of thousands per board
            # plan). A SET, not the "options" parameter, which would replace PGOPTIONS.
            with dbapi_conn.cursor() as cur:
                cur.execute("SET TIME ZONE 'UTC'")
            dbapi_conn.commit()

    return engine


def _create_private(path: str | None) -> None:
    """Create a new SQLite file owner-only (0600) before SQLite creates it with the umask
    (0644: every local user could read password hashes and tokens). SQLite gives the -wal
    and -shm files the database file's mode."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except FileNotFoundError:
        pass  # no such folder: SQLite reports that itself, in its words


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


@contextmanager
def unit_of_work(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction outside a request (a job, a feed's poll, a CLI command): commit when
    the block ends, roll back if it raises; the session is closed either way. Service
    functions called inside only add and flush."""
    with sessions() as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()


def read_only(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """The same sessions, but on SQLite they begin DEFERRED so readers never queue for
    the write lock. Use only where nothing is written."""
    bind = factory.kw.get("bind")
    if isinstance(bind, Engine) and bind.dialect.name == "sqlite":
        return sessionmaker(bind=bind.execution_options(sqlite_begin="DEFERRED"),
                            expire_on_commit=False, future=True)
    return factory
