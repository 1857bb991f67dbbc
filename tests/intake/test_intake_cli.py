"""`poll`, `diaries list`, `topics test`, `seed`, and `db upgrade` seeding a fresh database."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from app.cli import cli
from models import Feed, Site, TopicRule, make_engine, make_session_factory
from tests.conftest import TEST_SECRET
from tests.intake.conftest import add_sim_site


@pytest.fixture
def run(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {"DATABASE_URL": url, "SECRET_KEY": TEST_SECRET, "SCHEDULER_ENABLED": "0",
           "INSTANCE_PATH": str(tmp_path / "instance"), "HOST_MIN_GAP": "0"}

    def invoke(*args, **extra_env):
        return CliRunner().invoke(cli, list(args), env={**env, **extra_env},
                                  catch_exceptions=False)

    invoke.url = url
    return invoke


def counts(url):
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        result = tuple(session.scalar(select(func.count(m.id))) for m in (Site, Feed, TopicRule))
    engine.dispose()
    return result


def test_db_upgrade_seeds_a_fresh_database_and_seed_is_idempotent(run):
    first = run("db", "upgrade")
    assert first.exit_code == 0 and "seeded the default sites" in first.output
    sites, feeds, rules = counts(run.url)
    assert sites == 3 and feeds >= 6 and rules >= 20
    again = run("db", "upgrade")
    assert "seeded" not in again.output
    seeded = run("seed")
    assert seeded.exit_code == 0 and "dailykos: Daily Kos (dailykos)" in seeded.output
    assert counts(run.url) == (sites, feeds, rules)
    listing = run("sources", "list").output
    assert "https://www.dailykos.com/rss/tag:Community.xml" in listing
    assert "http://www.calitics.com" in listing and "http://www.mydd.com" in listing


def test_topics_test_explains_the_score(run):
    run("db", "upgrade")
    result = run("topics", "test", "SiCKO and single payer", "--tags", "health care, movies",
                 "--body", "<p>the <b>uninsured</b></p>")
    assert result.exit_code == 0
    assert "title 'single payer'" in result.output and "= 9" in result.output
    assert "tags  'health care'" in result.output and "body  'uninsured'" in result.output
    assert result.output.strip().splitlines()[-1].startswith("score 25 (health care)")
    off = run("topics", "test", "Iraq supplemental vote", "--defaults")
    assert "score 0 (not health care)" in off.output


@pytest.mark.parametrize("args,message", [
    (("poll", "--site", "nope"), "no site 'nope'"),
    (("poll", "--feed", "4242"), "no feed with id 4242"),
    (("diaries", "list", "--site", "nope"), "no site 'nope'"),
])
def test_bad_arguments_are_one_line_errors(run, args, message):
    run("db", "upgrade")
    result = run(*args)
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {message}" or message in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_unreachable_database_is_a_one_line_error(run):
    result = run("poll", DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/nothing")
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot reach the database")
    assert "Traceback" not in result.output


def test_poll_then_list_diaries(run, network):
    run("db", "upgrade")
    engine = make_engine(run.url)
    with make_session_factory(engine)() as session:
        site, [feed] = add_sim_site(session, network, "mydd")
        session.commit()
    engine.dispose()
    host_port = network.base_url.removeprefix("http://")
    result = run("poll", "--site", "sim-mydd", PRIVATE_ADDRESS_ALLOWLIST=host_port)
    assert result.exit_code == 0, result.output
    [line] = [x for x in result.output.splitlines() if x.startswith(f"[{feed.id}]")]
    assert f"{feed.url}  ok (HTTP 200)" in line and " new, 0 updated" in line
    listed = run("diaries", "list", "--site", "sim-mydd", "--health-only", "--json")
    rows = [json.loads(x) for x in listed.output.splitlines()]
    assert rows and all(r["topic_score"] > 0 and r["topic_terms"] for r in rows)
    assert all(r["site"] == "sim-mydd" for r in rows)
    table = run("diaries", "list", "--limit", "2").output.splitlines()
    assert len(table) == 2 and "recs" in table[0] and "score" in table[0]
    # A failing feed: the line says why and the exit status says something failed.
    network.set_fault("/" + feed.url.split("/", 3)[3], "500")
    failed = run("poll", "--feed", str(feed.id), PRIVATE_ADDRESS_ALLOWLIST=host_port)
    assert failed.exit_code == 1 and "error: HTTP 500" in failed.output


def test_diaries_list_escapes_control_characters_from_older_rows(run):
    from datetime import UTC, datetime

    from models import Diary

    run("db", "upgrade")
    engine = make_engine(run.url)
    with make_session_factory(engine)() as session:
        site = session.scalar(select(Site))
        when = datetime(2007, 6, 29, tzinfo=UTC)
        session.add(Diary(site_id=site.id, guid="g", url="http://x.example/1",
                          title="Red \x1b[31malert\x07", published_at=when,
                          content_hash="0" * 64, first_seen_at=when, last_seen_at=when))
        session.commit()
    engine.dispose()
    output = run("diaries", "list").output
    assert "\x1b" not in output and "\x07" not in output
    assert "Red \\x1b[31malert\\x07" in output


def test_refresh_counts_command_reads_due_pages_of_one_site(db_session, session_factory,
                                                            network, fetcher, tmp_path):
    from click.testing import CliRunner

    from app.cli import Env, cli
    from models import Diary
    from scrapers.poll import poll_feed
    from tests.conftest import make_config
    from tests.intake.conftest import add_sim_site

    site, [feed] = add_sim_site(db_session, network, "calitics")
    network.advance(30)
    poll_feed(session_factory, feed.id, network.now, fetcher)
    host, port = network.base_url.removeprefix("http://").rsplit(":", 1)
    env = Env()
    env.__dict__["config"] = make_config(
        tmp_path, PRIVATE_ADDRESS_ALLOWLIST=frozenset({(host, int(port))}), HOST_MIN_GAP=0.0)
    env.__dict__["sessions"] = session_factory
    runner = CliRunner()
    unknown = runner.invoke(cli, ["refresh-counts", "--site", "nope"], obj=env)
    assert unknown.exit_code != 0 and "No site with slug 'nope'" in unknown.output
    # The command reads as of the wall clock: the simulated diaries are years old, so
    # mark them young enough by moving their publication time.
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update
    db_session.execute(update(Diary).where(Diary.site_id == site.id)
                       .values(published_at=datetime.now(UTC) - timedelta(minutes=30)))
    db_session.flush()
    out = runner.invoke(cli, ["refresh-counts", "--site", site.slug], obj=env,
                        catch_exceptions=False).output
    stored = db_session.query(Diary).filter_by(site_id=site.id).count()
    assert f"read {stored} of {stored} diary pages due" in out
    db_session.expire_all()
    assert all(d.comments is not None and d.recommends is None
               for d in db_session.query(Diary).filter_by(site_id=site.id))
