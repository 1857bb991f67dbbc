"""Scrape health end to end: a simulated site switches to a markup nobody reads; within one
count-refresh cycle it is flagged on Sources, in `sources list`, on Boost today and in the
admin part of the digest; nothing stored is lost and no 0 is stored; the flag clears when
its pages can be read again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from selectolax.lexbor import LexborHTMLParser
from sqlalchemy import func, select

from app import clock
from app.cli import Env, cli
from app.digest.build import build_week
from app.digest.weeks import week_at
from app.sources import extraction
from app.sources.scrape_health import site_alerts
from models import Diary, DiaryMetric
from scrapers.counts import refresh_counts
from scrapers.fetch import Fetcher
from scrapers.health import MissingField, Read, missing_fields
from scrapers.poll import poll_feed
from sim import BlogNetwork
from tests.conftest import make_config
from tests.intake.conftest import add_sim_site, fetch_settings, no_delay

FLAG = "Sim dailykos: recommend counts not found on 3 of the last 6 pages since"


@pytest.fixture
def live_network():
    # Near the wall clock: `sources list` reads health as of now.
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=2)
    net = BlogNetwork(seed=1, start=start)
    net.start()
    no_delay(net)
    yield net
    net.stop()


def test_a_redesign_is_flagged_everywhere_and_clears(app, client, login, make_user,
                                                     db_session, session_factory,
                                                     live_network, tmp_path):
    net = live_network
    # A bar no simulated diary reaches: every one of them needs recommends.
    site, [feed] = add_sim_site(db_session, net, "dailykos", rec_fallback_threshold=10000.0)
    net.advance(110)
    with Fetcher(fetch_settings(net)) as fetcher:
        poll_feed(session_factory, feed.id, net.now, fetcher)
        # Health-care diaries: they are the ones Boost today lists.
        young = list(db_session.scalars(select(Diary.id).where(Diary.site_id == site.id,
                                                               Diary.topic_score > 0)
                                        .order_by(Diary.published_at.desc()).limit(3)))
        assert refresh_counts(session_factory, young, net.now, fetcher) == 3
        db_session.expire_all()
        before = {d.id: (d.recommends, d.comments, d.counts_read_at)
                  for d in db_session.scalars(select(Diary).where(Diary.id.in_(young)))}
        metrics = db_session.scalar(select(func.count(DiaryMetric.id)))
        assert site_alerts(db_session, net.now) == []

        net.set_redesigned("dailykos")
        net.advance(5)
        refresh_counts(session_factory, young, net.now, fetcher)
        db_session.expire_all()
        # Nothing already stored is lost, no 0 and no new metric row from failed reads.
        after = {d.id: (d.recommends, d.comments, d.counts_read_at)
                 for d in db_session.scalars(select(Diary).where(Diary.id.in_(young)))}
        assert after == before
        assert all(r is not None for r, _, _ in after.values())
        assert db_session.scalar(select(func.count(DiaryMetric.id))) == metrics

        [alert] = site_alerts(db_session, net.now)
        assert [m.field for m in alert.missing] == ["recommends", "comments", "author"]
        messages = alert.messages("UTC")
        assert messages[0].startswith(FLAG) and "the site may have changed" in messages[0]

        # Everywhere an admin or a teammate looks:
        env = Env()
        env.__dict__["config"] = make_config(tmp_path)
        env.__dict__["sessions"] = session_factory
        listing = CliRunner().invoke(cli, ["sources", "list"], obj=env,
                                     catch_exceptions=False).output
        assert "SCRAPE PROBLEM: " + FLAG in listing
        with app.app_context():
            clock.pin(net.now)
        login(make_user(role="admin"))
        assert FLAG in client.get("/admin/sources/").get_data(as_text=True)
        board = client.get("/boost/").get_data(as_text=True)
        assert FLAG in board and "their recommend ranking is paused" in board
        rows = LexborHTMLParser(board).css(".boost-row")
        assert rows
        for row in rows:
            text = row.text()
            # Rows of the unreadable site stay listed but ask for no recommends.
            assert "Recommend ranking paused: Sim dailykos" in text and "rec list" not in text
        config = make_config(tmp_path, DIGEST_TIMEZONE="UTC")
        digest = build_week(db_session, week_at(net.now, "UTC").label, net.now, config)
        assert any(t.problem.startswith(FLAG) for t in digest.feed_trouble), digest.feed_trouble

        # An admin's rules read the new markup: the next cycle clears the flag.
        rules = extraction.parse_form({
            "recommends_kind": "regex", "recommends_expression": r'"recs":\s*(\d+)',
            "comments_kind": "regex", "comments_expression": r'"replies":\s*(\d+)',
            "author_kind": "css", "author_expression": "p.writer"})
        extraction.save_rules(db_session, site.id, rules, net.now)
        db_session.flush()
        net.advance(5)
        refresh_counts(session_factory, young, net.now, fetcher)
        assert site_alerts(db_session, net.now) == []
        db_session.expire_all()
        sim = {d.number: d for d in net.diaries("dailykos")}
        for diary in db_session.scalars(select(Diary).where(Diary.id.in_(young))):
            twin = sim[int(diary.guid.removeprefix("story:"))]
            assert (diary.recommends, diary.comments) == (twin.recommends(net.now),
                                                          twin.comments(net.now))
            assert diary.counts_read_at == net.now


T = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)


def _reads(*cycles):
    return [Read(T + timedelta(minutes=5 * i), frozenset(found))
            for i, cycle in enumerate(cycles) for found in cycle]


def test_one_odd_page_is_not_an_alarm_but_a_whole_cycle_is():
    ok, bare = {"recommends", "comments"}, set()
    assert missing_fields(_reads([ok, ok, ok], [ok, bare]), ["recommends"],
                          T + timedelta(minutes=5)) == ()
    assert missing_fields(_reads([ok, ok, ok], [bare, bare]), ["recommends"],
                          T + timedelta(minutes=5)) == ()  # under 3 reads in the cycle
    [m] = missing_fields(_reads([ok, ok, ok], [bare, bare, bare]), ["recommends"],
                         T + timedelta(minutes=5))
    assert m == MissingField("recommends", 3, 6, T + timedelta(minutes=5))
    # Under half of the last hour's reads found it: flagged even with small cycles.
    [m] = missing_fields(_reads([ok], [bare], [bare]), ["recommends"],
                         T + timedelta(minutes=10))
    assert (m.missed, m.reads, m.since) == (2, 3, T + timedelta(minutes=5))
    # Reads older than the window do not count.
    assert missing_fields(_reads([bare, bare, bare]), ["recommends"], T + timedelta(hours=2)) \
        == ()
    assert m.describe("Daily Kos", "14:10") == (
        "Daily Kos: recommend counts not found on 2 of the last 3 pages since 14:10 "
        "\u2014 the site may have changed")
