"""Secrets kept secret at rest and in browsers: file modes, no-store, HSTS."""

import os
import stat

import pytest
from sqlalchemy import text

from models import make_engine
from tests.conftest import csrf_from, make_config


@pytest.fixture
def usual_umask():
    old = os.umask(0o022)  # the common default, under which files come out 0644
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_sqlite_database_and_its_journal_are_owner_only(tmp_path, usual_umask):
    engine = make_engine(f"sqlite:///{tmp_path / 'team.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (secret TEXT)"))
        conn.execute(text("INSERT INTO t VALUES ('token')"))
        files = sorted(p.name for p in tmp_path.iterdir())
        modes = {name: mode(tmp_path / name) for name in files}
    engine.dispose()
    assert files == ["team.db", "team.db-shm", "team.db-wal"]
    assert modes == dict.fromkeys(files, 0o600)


def test_generated_instance_folder_and_secret_key_are_owner_only(tmp_path, usual_umask):
    from config import Config

    instance = tmp_path / "instance"
    Config.from_env({"INSTANCE_PATH": str(instance)})
    assert mode(instance) == 0o700
    assert mode(instance / "secret_key") == 0o600


def test_pages_showing_a_token_are_not_stored(client, make_user, login):
    login(make_user())
    token = csrf_from(client.get("/profile/").get_data(as_text=True))
    made = client.post("/profile/token", data={"csrf_token": token})
    assert made.status_code == 200 and "shown only once" in made.get_data(as_text=True)
    assert made.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("secure", "expected"), [(False, None), (True, "max-age=31536000")])
def test_hsts_only_when_cookies_are_https_only(tmp_path, session_factory, secure, expected):
    from app import create_app

    app = create_app(make_config(tmp_path, SESSION_COOKIE_SECURE=secure), session_factory)
    assert app.test_client().get("/login").headers.get("Strict-Transport-Security") == expected
