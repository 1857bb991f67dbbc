"""With REDIS_URL set, web workers count failed logins together."""

import uuid
from datetime import UTC, datetime

import pytest
import redis

from app import clock, create_app
from tests.conftest import csrf_from, make_config

REDIS_URL = "redis://127.0.0.1:6379/15"
# Waits run from the last failure; a pinned clock keeps a slow machine from outwaiting them.
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis unreachable: {exc}")
    return REDIS_URL


def _workers(tmp_path, session_factory, redis_url):
    apps = [create_app(make_config(tmp_path / str(n), REDIS_URL=redis_url), session_factory)
            for n in range(2)]
    for app in apps:
        with app.app_context():
            clock.pin(NOW)
    return apps


def _attempt(app, email, password, address):
    client = app.test_client()
    env = {"REMOTE_ADDR": address}
    token = csrf_from(client.get("/login", environ_base=env).get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token}, environ_base=env).status_code


def test_two_workers_share_login_counters(tmp_path, session_factory, make_user, redis_url):
    user = make_user(email=f"{uuid.uuid4().hex}@example.org")  # Redis keys outlive the test
    workers = _workers(tmp_path, session_factory, redis_url)
    # A fresh client address per run: counters in Redis outlive the test.
    address = "10." + ".".join(str(b) for b in uuid.uuid4().bytes[:3])
    results = [_attempt(workers[n % 2], user.email, "wrong!", address) for n in range(5)]
    assert results == [401] * 5
    # Neither worker alone saw five failures; together they did.
    assert _attempt(workers[0], user.email, "correct horse battery", address) == 429
    assert _attempt(workers[1], user.email, "correct horse battery", address) == 429


def test_guessing_spread_over_workers_and_addresses_slows_the_account_together(
        tmp_path, session_factory, make_user, redis_url):
    user = make_user(email=f"{uuid.uuid4().hex}@example.org")
    workers = _workers(tmp_path, session_factory, redis_url)
    prefix = "10." + ".".join(str(b) for b in uuid.uuid4().bytes[:2])
    results = [_attempt(workers[n % 2], user.email, "guess", f"{prefix}.{n}") for n in range(21)]
    # Each address failed once, so only the account counter, added up in Redis, slows this.
    assert results == [401] * 21
    assert _attempt(workers[0], user.email, "correct horse battery", f"{prefix}.200") == 429
    assert _attempt(workers[1], user.email, "correct horse battery", f"{prefix}.201") == 429
