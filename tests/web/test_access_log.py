"""A real `run.py web` (gunicorn) writes access logs that hold no secret URL."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy.orm import Session

from app.digest.tokens import make_token
from app.web import access_log
from tests import factories
from tests.conftest import PROJECT_ROOT, TEST_SECRET, fresh_database
from tests.smtp import free_port

pytestmark = pytest.mark.slow


def _wait_for_port(port: int, proc) -> None:
    deadline = time.monotonic() + 90  # a bound for a busy machine, not a speed check
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("run.py web did not start listening")


def _get(port: int, target: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        return opener.open(f"http://127.0.0.1:{port}{target}", timeout=30).status
    except urllib.error.HTTPError as err:
        return err.code


def test_gunicorn_access_log_shows_no_secret(tmp_path):
    engine, cleanup = fresh_database("sqlite", tmp_path, "accesslog")
    with Session(engine) as session:
        user = factories.make_user(session)
        secret, unsubscribe = user.feed_secret, make_token(TEST_SECRET, user.id)
        session.commit()
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "WEB_WORKERS"}}
    env.update(INSTANCE_PATH=str(tmp_path / "instance"), SECRET_KEY=TEST_SECRET,
               DATABASE_URL=engine.url.render_as_string(hide_password=False))
    port = free_port()
    proc = subprocess.Popen([sys.executable, "run.py", "web", "--bind", f"127.0.0.1:{port}"],
                            cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        _wait_for_port(port, proc)
        statuses = [_get(port, f"/feeds/{secret}/boost.atom"),
                    _get(port, f"/shifts/calendar/{secret}.ics"),
                    _get(port, f"/digest/unsubscribe/{unsubscribe}?week=2026-W47"),
                    _get(port, "/login?next=/boost/&api_token=pasted-by-mistake")]
    finally:
        proc.terminate()
        log = proc.communicate(timeout=60)[0]
        cleanup()
    assert statuses == [200, 200, 200, 200]
    assert f'"GET /feeds/{access_log.MASK}/boost.atom HTTP/1.1" 200' in log
    assert f'"GET /shifts/calendar/{access_log.MASK}.ics HTTP/1.1" 200' in log
    assert f"/digest/unsubscribe/{access_log.MASK}?week=2026-W47" in log
    assert f"api_token={access_log.MASK}" in log and "next=/boost/" in log
    for leaked in (secret, unsubscribe, "pasted-by-mistake"):
        assert leaked not in log


@pytest.mark.parametrize(("url", "expected"), [
    ("/feeds/abc/boost.atom?x=1", "/feeds/REDACTED/boost.atom?x=1"),
    ("https://team.example/digest/unsubscribe/eyJ1.sig",
     "https://team.example/digest/unsubscribe/REDACTED"),
    ("/boost/?site=dk&author=sam", "/boost/?site=dk&author=sam"),
    ("/x?reset_token=abc&password=hunter2&q=a+b",
     "/x?reset_token=REDACTED&password=REDACTED&q=a+b"),
])
def test_redact_masks_secret_segments_and_query_values(url, expected):
    redactor = access_log.Redactor(["/feeds/<feed_secret>/boost.atom",
                                    "/digest/unsubscribe/<token>", "/diaries/<int:diary_id>"])
    assert redactor.target(url) == expected
