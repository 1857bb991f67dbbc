"""Personal feed URLs: stored hashed, old URLs survive the upgrade, rotation kills them."""

import hashlib

import pytest
from alembic.script import ScriptDirectory
from selectolax.lexbor import LexborHTMLParser
from sqlalchemy import text

from models import make_session_factory
from models.migrate import alembic_config, upgrade
from tests.conftest import BACKENDS, csrf_from, fresh_database, make_config

OLD_SECRET = "kept-in-a-calendar-app-since-last-year-0123456789abcdef"
PASSWORD_HASH_OF_NOTHING = "$argon2id$v=19$m=65536,t=3,p=4$x$y"


def before_hashing() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_revision("b10_3").down_revision


@pytest.fixture(params=BACKENDS)
def old_database(request, tmp_path):
    """A database at the revision before hashing, with a user and a plain feed secret."""
    engine, cleanup = fresh_database(request.param, tmp_path, "feedsecret", before_hashing())
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO users (email, display_name, password_hash, role, timezone, "
            "digest_opt_in, shift_reminder_minutes, feed_secret, active, created_at) "
            "VALUES ('old@example.org', 'Old', :pw, 'blogger', 'UTC', true, 60, :secret, "
            "true, CURRENT_TIMESTAMP)"), {"pw": PASSWORD_HASH_OF_NOTHING, "secret": OLD_SECRET})
    yield engine
    cleanup()


def test_old_feed_urls_work_after_upgrade_and_die_after_rotation(old_database, tmp_path):
    from app import create_app

    upgrade(old_database)
    with old_database.connect() as conn:
        stored = conn.execute(text("SELECT feed_secret_hash FROM users")).scalar_one()
    assert stored == hashlib.sha256(OLD_SECRET.encode()).hexdigest()  # no plain secret kept
    app = create_app(make_config(tmp_path), make_session_factory(old_database))
    client = app.test_client()
    assert client.get(f"/feeds/{OLD_SECRET}/boost.atom").status_code == 200
    assert client.get(f"/shifts/calendar/{OLD_SECRET}.ics").status_code == 200
    with old_database.begin() as conn:  # the user logs in with a password we know
        from app.accounts.tokens import hash_password

        conn.execute(text("UPDATE users SET password_hash = :h"),
                     {"h": hash_password("a long enough password")})
    token = csrf_from(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"email": "old@example.org", "csrf_token": token,
                                       "password": "a long enough password"}).status_code == 302
    token = csrf_from(client.get("/profile/").get_data(as_text=True))
    made = client.post("/profile/secret/rotate", data={"csrf_token": token})
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    new_url = LexborHTMLParser(made.get_data(as_text=True)).css_first("#calendar-url").text()
    assert client.get(f"/feeds/{OLD_SECRET}/boost.atom").status_code == 404
    assert client.get(f"/shifts/calendar/{OLD_SECRET}.ics").status_code == 404
    assert client.get(new_url.strip().replace("http://localhost", "")).status_code == 200
    # Shown once: the profile no longer prints the new URL either.
    assert new_url.strip() not in client.get("/profile/").get_data(as_text=True)
