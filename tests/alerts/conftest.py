"""A Daily Kos with one diary the whole team could lift but the two online cannot, a real
SMTP server and a real chat webhook receiver on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy.orm import sessionmaker

from tests import factories
from tests.conftest import make_config
from tests.factories import T0, hours

NOW = T0 + hours(3)
BASE_URL = "https://boost.example.org"


@dataclass
class Receiver:
    """A chat server's incoming webhook: keeps every JSON body posted to it."""

    url: str = ""
    bodies: list = field(default_factory=list)
    status: int = 200
    delay: float = 0.0  # seconds to wait before answering (a slow chat server)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's API
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            with receiver.lock:
                receiver.bodies.append({"path": self.path,
                                        "type": self.headers.get("Content-Type"),
                                        "json": json.loads(body)})
            if receiver.delay:
                time.sleep(receiver.delay)
            try:
                self.send_response(receiver.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting, as it should with a slow server

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def receiver():
    rec = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(rec))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # The path is the secret part, as in Slack's and Discord's webhook URLs.
    rec.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/T0SECRET/B0SECRET/xyzTOKEN9876"
    yield rec
    server.shutdown()
    server.server_close()


@pytest.fixture
def config(tmp_path, smtp_server):
    """Overrides the shared ``config``: the app and the job both mail the local server."""
    _, port = smtp_server
    return make_config(tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=port, BASE_URL=BASE_URL,
                       MAIL_FROM="diaryboost <team@diaryboost.test>",
                       ALERT_WEBHOOK_TIMEOUT=0.5)


@dataclass
class Team:
    site: object
    diary: object
    online: list  # two teammates at the board
    opted_in: list  # three away, calls for help on
    quiet: list  # five away, calls for help off
    admin: object

    @property
    def everyone(self):
        return [*self.online, *self.opted_in, *self.quiet, self.admin]


@pytest.fixture
def team(db_session) -> Team:
    s = db_session
    # No scraped list and fewer fresh diaries than slots: the bar is the site's fallback,
    # 6 aged recs. The diary, an hour old with 2 recs, needs about 6 more.
    dk = factories.make_site(s, slug="dailykos", name="Daily Kos",
                             base_url="https://www.dailykos.com", rec_fallback_threshold=6.0)
    diary = factories.make_diary(s, dk, title="Single payer <now> & @channel",
                                 published_at=NOW - hours(1))
    factories.make_metric(s, diary, at=NOW - hours(1), recommends=2)
    factories.make_metric(s, diary, at=NOW, recommends=2)
    online = [factories.make_user(s, display_name=f"Online {i}", last_seen_at=NOW)
              for i in range(2)]
    opted = [factories.make_user(s, display_name=f"Away {i}", alert_opt_in=True)
             for i in range(3)]
    quiet = [factories.make_user(s, display_name=f"Quiet {i}") for i in range(5)]
    admin = factories.make_user(s, display_name="Ada Admin", role="admin")
    return Team(dk, diary, online, opted, quiet, admin)


def poll(session, team: Team, at, recommends=2, diaries=None):
    """What a poll round leaves behind: fresh counts, and the online two still at it."""
    for d in diaries or [team.diary]:
        factories.make_metric(session, d, at=at, recommends=recommends)
    for user in team.online:
        user.last_seen_at = at
    session.flush()


def sessions_of(db_session):
    """Sessions for a unit of work (alerts.run) sharing the test's transaction; what the
    test wrote so far is flushed first so they see it."""
    db_session.flush()
    return sessionmaker(bind=db_session.connection(), join_transaction_mode="create_savepoint",
                        expire_on_commit=False)
