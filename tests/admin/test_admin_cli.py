"""`python run.py sources ...`: the commands in-process (click's runner, test database),
plus a real subprocess for what only a subprocess shows (exit code, no traceback)."""

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app.cli import Env, cli
from models import Feed
from tests.conftest import PROJECT_ROOT, make_config


@pytest.fixture
def invoke(tmp_path, session_factory):
    env = Env()
    # Env builds config and sessions lazily; hand it the test's instead.
    env.__dict__["config"] = make_config(tmp_path, POLL_FAILURES_TO_FLAG=3)
    env.__dict__["sessions"] = session_factory
    runner = CliRunner()

    def _invoke(*args):
        return runner.invoke(cli, ["sources", *args], obj=env, catch_exceptions=False)

    return _invoke


def test_add_site_add_feed_disable_enable_list_export(invoke, db_session, tmp_path):
    res = invoke("add-site", "cli-blog", "--name", "CLI Blog", "--url", "https://cli.example",
                 "--platform", "generic")
    assert res.exit_code == 0, res.output
    res = invoke("add", "--site", "cli-blog", "--url", "https://cli.example/feed.xml")
    assert res.exit_code == 0 and "added feed" in res.output
    feed = db_session.scalar(select(Feed).where(Feed.url == "https://cli.example/feed.xml"))
    feed.error_count, feed.last_error = 4, "HTTP 503 Service Unavailable"
    db_session.flush()
    listing = invoke("list").output
    assert f"[{feed.id}] https://cli.example/feed.xml" in listing
    assert "FAILING (4 consecutive errors)" in listing
    assert "last error: HTTP 503 Service Unavailable" in listing
    assert invoke("disable", str(feed.id), "--reason", "moved").exit_code == 0
    assert "disabled: moved" in invoke("list").output
    assert invoke("enable", str(feed.id)).exit_code == 0
    listing = invoke("list").output
    assert "consecutive errors 0" in listing and "FAILING" not in listing
    out = tmp_path / "feeds.opml"
    assert invoke("export-opml", "-o", str(out)).exit_code == 0
    assert b'xmlUrl="https://cli.example/feed.xml"' in out.read_bytes()


def test_import_opml_reports_added_and_skipped(invoke, make_site, make_feed, tmp_path):
    site = make_site(slug="dk")
    make_feed(site, url="https://a.example/feed")
    doc = tmp_path / "subs.opml"
    doc.write_text('<opml version="2.0"><body><outline text="A" xmlUrl="https://a.example/feed"/>'
                   '<outline text="B" xmlUrl="https://b.example/feed"/></body></opml>')
    res = invoke("import-opml", str(doc), "--site", "dk")
    assert res.exit_code == 0
    assert "added" in res.output and "https://b.example/feed" in res.output
    assert "imported 1 feed, skipped 1" in res.output


@pytest.mark.parametrize("args, message", [
    (["add", "--site", "dk", "--url", "not a url"], "contains spaces"),
    (["add", "--site", "no-such-site", "--url", "https://x.example/f"],
     "No site with slug 'no-such-site'"),
    (["disable", "99999999"], "No feed with id 99999999"),
    (["import-opml", "{opml}", "--site", "dk"], "not well-formed XML"),
    (["add-site", "dk", "--name", "Again", "--url", "https://dk.example",
      "--platform", "generic"], "already exists"),
])
def test_errors_are_one_line(invoke, make_site, tmp_path, args, message):
    make_site(slug="dk")
    broken = tmp_path / "broken.opml"
    broken.write_text('<opml version="2.0"><body><outline xmlUrl="https://a.example/f"/>')
    res = invoke(*[a.format(opml=broken) for a in args])
    assert res.exit_code == 1
    assert message in res.output and len(res.output.strip().splitlines()) == 1


# A real process: exit status and stderr exactly as an operator sees them ---------------

def _run(args, env):
    return subprocess.run([sys.executable, "run.py", "sources", *args], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.slow
def test_bad_slug_is_one_line_in_a_real_process(tmp_path):
    env = dict(os.environ, INSTANCE_PATH=str(tmp_path),
               DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none")
    res = _run(["add-site", "x", "--name", "X", "--url", "https://x.example",
                "--platform", "generic"], env)  # the slug is checked before the database
    assert res.returncode == 1
    assert res.stderr.strip() == "Error: Slug 'x' must be 2-40 characters of a-z, 0-9 and -"


def test_unreachable_database_is_one_line(tmp_path):
    env = Env()
    env.__dict__["config"] = make_config(
        tmp_path, DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none")
    res = CliRunner().invoke(cli, ["sources", "list"], obj=env)
    assert res.exit_code == 1
    assert "cannot reach the database" in res.output
    assert len(res.output.strip().splitlines()) == 1
