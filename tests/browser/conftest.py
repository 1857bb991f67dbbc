"""Browser tests: the real app served on 127.0.0.1 in a thread, driven by Playwright
through Debian's Chromium (never a downloaded browser).

The live app commits for real, so each test gets its own fresh migrated database on the
backend under test. Screenshots go to test-artifacts/ (kept by CI as test output).
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from waitress.server import create_server

from app import clock, create_app
from models import make_session_factory
from tests.conftest import PROJECT_ROOT, fresh_database, make_config

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            # One worker runs all browser tests: they share one Chromium.
            item.add_marker(pytest.mark.xdist_group("browser"))


@dataclass
class LiveServer:
    url: str
    app: object
    sessions: sessionmaker[Session]

    def session(self) -> Session:
        return self.sessions()

    def set_now(self, when) -> None:
        """Pin the app's clock (app.clock.now) to ``when``; None lets it run again."""
        self.app.extensions[clock.PIN_KEY] = when


@pytest.fixture(params=["sqlite", "postgresql"])
def live_server(request, tmp_path):
    """The app on a free port, with scheduler off and the test clock enabled."""
    engine, cleanup = fresh_database(request.param, tmp_path, "live")
    sessions = make_session_factory(engine)
    config = make_config(tmp_path, TEST_CLOCK=True, DATABASE_URL=str(engine.url))
    app = create_app(config, sessions)
    # waitress, as in production (`run.py serve`): werkzeug's dev server sometimes reset
    # Chromium's keep-alive connections, which showed up as console errors.
    server = create_server(app, host="127.0.0.1", port=0, threads=6, ident="diaryboost-test")
    stopping = threading.Event()

    def _serve():
        try:
            server.run()
        except OSError:
            # close() from this thread can land while the loop is in select(): EBADF then
            # is the stop we asked for (it failed a teardown once), not a server fault.
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=_serve, daemon=True)
    thread.start()
    yield LiveServer(url=f"http://127.0.0.1:{server.effective_port}", app=app,
                     sessions=sessions)
    stopping.set()
    server.close()
    thread.join(5)
    cleanup()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make chromium` "
                    "(apt-get install chromium)", pytrace=False)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                     headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(request, browser):
    """A fresh browser context; console errors and page errors fail the test."""
    if "live_server" in request.fixturenames:
        # Set the server up first so it is torn down last: closing it under an open
        # page reset Chromium's keep-alive connection (a console error, a flaky test).
        request.getfixturevalue("live_server")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []

    def _console(msg):
        # A 401/403/429 page is an answer the test asserts on, not a broken page.
        expected = any(f"status of {code}" in msg.text for code in (401, 403, 429))
        if msg.type == "error" and not expected:
            errors.append(f"console {msg.type}: {msg.text}")

    page.on("console", _console)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    dialogs: list[str] = []

    def _dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", _dialog)
    page.console_errors = errors
    page.dialogs = dialogs
    yield page
    context.close()
    assert not dialogs, f"unexpected dialogs: {dialogs}"
    assert not errors, "browser reported errors:\n" + "\n".join(errors)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def browser_login(page, server: LiveServer, email: str, password: str) -> None:
    page.goto(f"{server.url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
