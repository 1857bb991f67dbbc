"""Hostile feeds and pages, each from its own server on loopback, polled end to end.

Every case ends in either the right data or a clear error recorded on the feed, never
an exception out of the poll. (Wall time and peak memory per case: bench/hostile.py.)
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
from sqlalchemy import select

from models import Diary, Feed
from scrapers.counts import refresh_counts
from scrapers.fetch import Fetcher
from scrapers.poll import poll_feed
from scrapers.types import FetchSettings
from tests import hostile
from tests.hostile import HostileServer

NOW = datetime(2007, 7, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def server():
    with HostileServer() as srv:
        yield srv


@pytest.fixture
def fetcher(server):
    settings = FetchSettings(connect_timeout=2.0, read_timeout=1.0, deadline=1.5,
                             max_bytes=2 * 1024 * 1024, host_min_gap=0.0,
                             private_allowlist=frozenset({server.address}))
    with Fetcher(settings) as f:
        yield f


@pytest.fixture
def poll(db_session, session_factory, server, fetcher, make_site):
    """poll(case or handler) -> (outcome, feed row, diaries) after one poll of that case."""
    site = make_site(base_url="http://blog.example.org")

    def run(case, path="/feed.xml", now=NOW):
        """``case``: a name in hostile.FEEDS, a handler, or a URL already routed."""
        if isinstance(case, str) and case.startswith("http://"):
            url = case
        else:
            url = server.route(path, hostile.FEEDS[case]() if isinstance(case, str) else case)
        feed = db_session.scalar(select(Feed).where(Feed.url == url))
        if feed is None:
            feed = Feed(site_id=site.id, url=url, next_poll_at=now)
            db_session.add(feed)
            db_session.flush()
        outcome = poll_feed(session_factory, feed.id, now, fetcher)
        db_session.expire_all()
        diaries = db_session.scalars(select(Diary).where(Diary.site_id == site.id)
                                     .order_by(Diary.id)).all()
        return outcome, db_session.get(Feed, feed.id), diaries

    return run


def test_entity_blowup_fails_the_feed_with_a_clear_error(poll):
    outcome, feed, diaries = poll("entity blow-up")
    assert outcome.outcome == "error" and diaries == []
    assert feed.last_error == ("refused: the document declares its own entities (a DOCTYPE "
                               "internal subset); they are never expanded")


def test_a_50000_deep_summary_is_stored_as_text_and_its_neighbour_survives(poll):
    outcome, _, diaries = poll("50,000-deep nested summary")
    assert outcome.outcome == "ok"
    assert [d.title for d in diaries] == ["Diary number 1", "Diary number 2"]
    assert diaries[0].summary_html == "<p>Intro</p>"  # the text, cut at the size cap


def test_a_surrogate_in_one_item_loses_no_other_item(poll):
    outcome, _, diaries = poll("surrogate in one item")
    assert outcome.outcome == "ok" and outcome.bozo
    assert [d.title for d in diaries] == ["Bad one", "Diary number 2", "Caf\u00e9"]


def test_one_bad_utf8_byte_is_replaced_and_the_rest_decodes_as_utf8(poll):
    outcome, _, diaries = poll("one bad UTF-8 byte")
    assert outcome.outcome == "ok"
    assert [d.title for d in diaries] == ["Bad \ufffd byte", "Caf\u00e9"]
    assert "1 byte sequence(s) that are not UTF-8 replaced" in outcome.warning


def test_an_unclosed_description_does_not_swallow_the_next_items(poll):
    outcome, _, diaries = poll("unclosed description")
    assert outcome.outcome == "ok" and outcome.bozo
    assert [(d.title, d.url) for d in diaries] == [
        (f"Diary number {n}", f"http://blog.example.org/diary/{n}") for n in (1, 2, 3)]
    assert diaries[0].summary_html == "never closed"
    assert "elements left open in items were closed" in outcome.warning


def test_a_guid_repeated_in_one_feed_is_one_diary(poll):
    outcome, _, diaries = poll("repeated guid")
    assert [(d.guid, d.title) for d in diaries] == [("g-1", "Diary number 1")]
    assert "2 repeated guid(s) ignored" in outcome.warning


def test_churning_guids_do_not_duplicate_diaries(poll):
    first, _, diaries = poll(hostile.churning_guids(1))
    assert first.new_count == 3
    again, _, after = poll(hostile.churning_guids(2), now=NOW + timedelta(minutes=20))
    assert again.outcome == "ok" and again.new_count == 0
    assert [d.id for d in after] == [d.id for d in diaries]


def test_dates_outside_the_window_become_first_seen_time(poll):
    outcome, _, diaries = poll("far-future and epoch dates")
    assert outcome.outcome == "ok"
    assert [d.published_at for d in diaries] == [NOW] * 5 + [
        datetime(2007, 6, 29, 16, 0, tzinfo=UTC)]
    assert "5 date(s) out of range" in outcome.warning


def test_a_site_founded_later_moves_the_window(poll, db_session):
    from models import Site

    for site in db_session.scalars(select(Site)):
        site.founded_on = datetime(2007, 6, 30).date()
    db_session.flush()
    outcome, _, diaries = poll("far-future and epoch dates")
    assert diaries[-1].published_at == NOW  # 29 June 2007 is before the founding


def test_an_unsolicited_304_is_a_recorded_error(poll, db_session):
    outcome, feed, _ = poll("unsolicited 304")
    assert outcome.outcome == "error" and feed.error_count == 1
    assert feed.last_error.startswith("HTTP 304 Not Modified to a request that sent no")


@pytest.mark.parametrize("case", ["byte-drip of the status line", "endless 100 Continue"])
def test_a_server_that_never_finishes_its_head_is_cut_at_the_deadline(poll, case):
    outcome, feed, _ = poll(case)
    assert outcome.outcome == "error"
    assert feed.last_error == "timed out after 1.5 s (overall deadline)"


def test_a_gzip_bomb_behind_a_301_is_never_inflated(poll, server):
    outcome, _, diaries = poll(hostile.bomb_behind_301(server, inflated=64 * 1024 * 1024))
    assert outcome.outcome == "ok" and [d.title for d in diaries] == ["Diary number 1"]


def test_control_characters_and_hostile_links_never_reach_the_store(poll):
    outcome, feed, diaries = poll("control characters")
    assert outcome.outcome == "ok"
    assert feed.title == "Hostile Feed title"  # one line, no ESC
    first = diaries[0]
    # feedparser reads C1 characters as the windows-1252 text they nearly always are.
    assert first.title == "Bad [31mred[0m title \u2026\u203a end second single payer"
    assert first.author == "Evil Twin"
    assert first.tags == ["health care"]
    assert first.summary_html == "<p>Ring  \u203a bell</p>"  # &#x9b; is "›" in HTML
    by_title = {d.title: d.url for d in diaries}
    assert by_title["Obfuscated single payer"] == ""
    assert by_title["Tabbed single payer"] == ""
    assert by_title["Data single payer"] == ""
    assert by_title["Fine single payer"] == "http://blog.example.org/diary/5"
    for diary in diaries:
        for text in (diary.title, diary.author or "", diary.url, diary.summary_html,
                     *diary.tags):
            assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in text), text


def test_a_deeply_nested_diary_page_is_refused_and_does_not_stall_the_refresh(
        poll, server, session_factory, fetcher, make_diary, db_session):
    from models import Site

    site = db_session.scalar(select(Site))
    site.platform = "dailykos"
    deep = make_diary(site, url=server.route("/story/deep", hostile.nested_page()),
                      published_at=NOW - timedelta(hours=1))
    assert refresh_counts(session_factory, [deep.id], NOW, fetcher) == 0
    db_session.expire_all()
    assert db_session.get(Diary, deep.id).counts_checked_at is None


def test_a_page_not_read_in_time_is_given_up():
    from scrapers import pageguard

    release = threading.Event()
    with pytest.raises(pageguard.PageRefused, match="not read within 0.2 s"):
        pageguard.read_page(b"<html></html>", lambda page: release.wait(30), time_limit=0.2)
    release.set()


def test_the_atom_feed_stays_well_formed_after_the_nastiest_feed(poll, app, client,
                                                                 make_user, make_metric):
    from app import clock

    outcome, _, diaries = poll("control characters", now=NOW - timedelta(minutes=30))
    assert outcome.outcome == "ok" and len(diaries) == 5
    for diary in diaries:  # counts read: the board only lists diaries whose counts it knows
        make_metric(diary, at=NOW - timedelta(minutes=20), recommends=1, comments=0)
    with app.app_context():
        clock.pin(NOW)
    user = make_user()
    response = client.get(f"/feeds/{user.feed_secret}/boost.atom")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.data)  # strict: raises on any illegal character
    titles = [e.findtext("{http://www.w3.org/2005/Atom}title")
              for e in root.iter("{http://www.w3.org/2005/Atom}entry")]
    assert any("[31mred" in (t or "") for t in titles), titles
