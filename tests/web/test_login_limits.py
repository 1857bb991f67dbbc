"""Failed logins slow guessing down but never lock the owner out (issue 10)."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from app import clock
from tests.conftest import PROJECT_ROOT, csrf_from, make_config
from tests.smtp import free_port

RIGHT = "correct horse battery"
T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def attempt(client, email, password, address="10.0.0.1", forwarded=None):
    env = {"REMOTE_ADDR": address}
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    token = csrf_from(client.get("/login", environ_base=env, headers=headers)
                      .get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token},
                       environ_base=env, headers=headers)


def at(app, when):
    with app.app_context():
        clock.pin(when)


def test_right_password_from_another_address_gets_in_after_five_wrong(app, make_user):
    user = make_user()
    for _ in range(5):
        assert attempt(app.test_client(), user.email, "wrong!", "10.0.0.1").status_code == 401
    res = attempt(app.test_client(), user.email, RIGHT, "10.0.0.2")
    assert res.status_code == 302


def test_one_client_waits_longer_after_each_failure_then_gets_in(app, make_user):
    user = make_user()
    at(app, T0)
    client = app.test_client()
    for _ in range(5):
        assert attempt(client, user.email, "wrong!").status_code == 401
    refused = attempt(client, user.email, RIGHT)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "30"
    assert "Wait 30 seconds" in refused.get_data(as_text=True)
    at(app, T0 + timedelta(seconds=31))
    assert attempt(client, user.email, "wrong again").status_code == 401
    assert attempt(client, user.email, RIGHT).headers["Retry-After"] == "60"
    at(app, T0 + timedelta(seconds=92))
    assert attempt(client, user.email, RIGHT).status_code == 302


def test_guessing_from_many_addresses_slows_new_clients_but_not_a_known_device(app, make_user):
    user = make_user()
    at(app, T0)
    laptop = app.test_client()
    assert attempt(laptop, user.email, RIGHT, "192.0.2.10").status_code == 302
    home = {"REMOTE_ADDR": "192.0.2.10"}
    token = csrf_from(laptop.get("/welcome", environ_base=home).get_data(as_text=True))
    laptop.post("/logout", data={"csrf_token": token}, environ_base=home)
    for n in range(25):
        res = attempt(app.test_client(), user.email, "guess", f"10.1.0.{n}")
        assert res.status_code in (401, 429)
    stranger = attempt(app.test_client(), user.email, RIGHT, "10.2.0.1")
    assert stranger.status_code == 429
    wait = int(stranger.headers["Retry-After"])
    assert 0 < wait <= 60  # a slowdown, not a lock-out
    # The owner's laptop logged in here before: it is let in at once, from any address.
    assert attempt(laptop, user.email, RIGHT, "198.51.100.7").status_code == 302
    at(app, T0 + timedelta(seconds=wait + 1))
    assert attempt(app.test_client(), user.email, RIGHT, "10.2.0.1").status_code == 302


def test_forwarded_for_is_ignored_without_trusted_proxies(app, make_user):
    user = make_user()
    at(app, T0)
    for n in range(5):
        attempt(app.test_client(), user.email, "wrong!", "10.0.0.9", forwarded=f"203.0.113.{n}")
    # Naming a new address in the header does not make a new client.
    res = attempt(app.test_client(), user.email, RIGHT, "10.0.0.9", forwarded="203.0.113.99")
    assert res.status_code == 429


def test_behind_a_trusted_proxy_each_forwarded_client_counts_alone(tmp_path, session_factory,
                                                                   make_user):
    from app import create_app

    app = create_app(make_config(tmp_path, TRUSTED_PROXIES=1), session_factory)
    user = make_user()
    at(app, T0)
    for _ in range(5):
        attempt(app.test_client(), user.email, "wrong!", "10.0.0.9", forwarded="203.0.113.5")
    assert attempt(app.test_client(), user.email, RIGHT, "10.0.0.9",
                   forwarded="203.0.113.5").status_code == 429
    # Same proxy, another client behind it: not held back by the first one's failures.
    assert attempt(app.test_client(), user.email, RIGHT, "10.0.0.9",
                   forwarded="203.0.113.6").status_code == 302


def test_trusted_proxies_must_be_a_small_count(tmp_path):
    from config import Config, ConfigError

    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        Config.from_env({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 20,
                         "TRUSTED_PROXIES": "many"})


@pytest.mark.parametrize(("env", "args", "message"), [
    ({}, ["--workers", "3"], "3 web workers need REDIS_URL"),
    ({"WEB_WORKERS": "2"}, [], "2 web workers need REDIS_URL"),
])
def test_web_refuses_several_workers_without_redis(tmp_path, env, args, message):
    run_env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "WEB_WORKERS"}}
    run_env.update(INSTANCE_PATH=str(tmp_path), SECRET_KEY="x" * 20, **env)
    # A real process: if it started serving instead of refusing, the timeout ends the test.
    result = subprocess.run([sys.executable, "run.py", "web", "--bind",
                             f"127.0.0.1:{free_port()}", *args], cwd=PROJECT_ROOT,
                            env=run_env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert message in result.stderr and "counts failed logins on its own" in result.stderr


def test_one_web_worker_by_default_without_redis(tmp_path):
    from config import Config

    base = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 20}
    assert Config.from_env(base).WEB_WORKERS == 1
    assert Config.from_env({**base, "REDIS_URL": "redis://127.0.0.1:6379/0"}).WEB_WORKERS == 2
