"""Shared fixtures.

Database tests run once per backend: SQLite always, PostgreSQL at TEST_DATABASE_URL
(default: the local `test` database). With REQUIRE_POSTGRES=1 an unreachable
PostgreSQL fails the run instead of skipping. Each xdist worker gets its own SQLite
file and its own PostgreSQL schema; each test runs in a transaction rolled back at the end.
"""

from __future__ import annotations

import os
import re
import uuid
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from config import Config
from models import Base, make_engine
from models.migrate import upgrade
from tests import factories

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
PG_URL = os.environ.get("TEST_DATABASE_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
TEST_SECRET = "test-secret-key-not-for-production"
BACKENDS = ["sqlite", "postgresql"]


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else the reason."""
    try:
        engine = make_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"


def need_postgres() -> None:
    reason = postgres_reachable()
    if reason is None:
        return
    if REQUIRE_POSTGRES:
        pytest.fail(f"PostgreSQL required (REQUIRE_POSTGRES=1) but unreachable at {PG_URL}: "
                    f"{reason}", pytrace=False)
    pytest.skip(f"PostgreSQL unreachable at {PG_URL}: {reason}")


def fresh_database(backend: str, tmp_dir: Path, label: str, revision: str = "head"):
    """Create an empty database for ``backend`` migrated to ``revision``; returns (engine,
    cleanup)."""
    if backend == "sqlite":
        path = tmp_dir / f"{label}-{uuid.uuid4().hex[:8]}.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine, revision)
        return engine, engine.dispose
    need_postgres()
    schema = re.sub(r"\W", "_", f"t_{_worker()}_{label}_{uuid.uuid4().hex[:6]}").lower()
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    upgrade(engine, revision)

    def cleanup():
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    return engine, cleanup


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request, tmp_path_factory):
    """A migrated database per backend, shared by the tests of one worker."""
    engine, cleanup = fresh_database(request.param, tmp_path_factory.mktemp("db"), "shared")
    yield engine
    cleanup()


@pytest.fixture
def backend(engine) -> str:
    return engine.dialect.name


@pytest.fixture
def db_session(engine):
    """A session whose work is rolled back after the test, even if the code commits."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint",
                      expire_on_commit=False)
    yield session
    session.close()
    outer.rollback()
    connection.close()


@pytest.fixture
def session_factory(db_session):
    """Sessions for code under test (app, jobs, CLI) sharing the test's transaction."""
    return sessionmaker(bind=db_session.connection(), join_transaction_mode="create_savepoint",
                        expire_on_commit=False)


def make_config(tmp_path: Path, **overrides) -> Config:
    env = {"INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": TEST_SECRET,
           "TESTING": "1", "SCHEDULER_ENABLED": "0"}
    return Config.from_env(env, **overrides)


@pytest.fixture
def config(tmp_path) -> Config:
    return make_config(tmp_path)


@pytest.fixture
def app(config, session_factory):
    from app import create_app

    return create_app(config, session_factory)


@pytest.fixture
def client(app):
    return app.test_client()


# Factories ------------------------------------------------------------------

@pytest.fixture
def make_user(db_session):
    return lambda **kw: factories.make_user(db_session, **kw)


@pytest.fixture
def make_site(db_session):
    return lambda **kw: factories.make_site(db_session, **kw)


@pytest.fixture
def make_feed(db_session):
    return lambda site=None, **kw: factories.make_feed(db_session, site, **kw)


@pytest.fixture
def make_diary(db_session):
    return lambda site=None, **kw: factories.make_diary(db_session, site, **kw)


@pytest.fixture
def make_metric(db_session):
    return lambda diary, **kw: factories.make_metric(db_session, diary, **kw)


# Logging in -----------------------------------------------------------------

def csrf_from(html: str) -> str:
    from selectolax.lexbor import LexborHTMLParser

    node = LexborHTMLParser(html).css_first('input[name="csrf_token"]')
    assert node is not None, "page has no CSRF token"
    return node.attributes["value"]


@pytest.fixture
def login(client):
    """Log ``user`` in through the real login form; returns the response."""

    def _login(user, password=factories.PASSWORD):
        token = csrf_from(client.get("/login").get_data(as_text=True))
        return client.post("/login", data={"email": user.email, "password": password,
                                           "csrf_token": token})

    return _login


# Summary --------------------------------------------------------------------

def pytest_terminal_summary(terminalreporter):
    counts: Counter = Counter()
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            if report.when != "call" and outcome != "skipped" and outcome != "error":
                continue
            for name in BACKENDS:
                if f"[{name}" in report.nodeid or f"-{name}]" in report.nodeid \
                        or f"-{name}-" in report.nodeid:
                    counts[(name, outcome)] += 1
    if counts:
        terminalreporter.write_sep("=", "database backends")
        for name in BACKENDS:
            parts = ", ".join(f"{counts[(name, o)]} {o}" for o in
                              ("passed", "failed", "skipped", "error") if counts[(name, o)])
            terminalreporter.write_line(f"{name}: {parts or 'no tests'}")


__all__ = ["Base", "SHARED_DATA", "csrf_from", "fresh_database", "make_config"]


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1; yields (inbox, port)."""
    from tests.smtp import start_smtp

    controller, inbox, port = start_smtp()
    yield inbox, port
    controller.stop()


@pytest.fixture
def mail_config(tmp_path, smtp_server):
    _, port = smtp_server
    return make_config(tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=port,
                       MAIL_FROM="diaryboost <team@diaryboost.test>")
