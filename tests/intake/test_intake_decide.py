"""The poll's decision as plain values: what the feed row and the poll log become, with no
database and no network (scrapers.decide.plan_update; storage only applies it)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from scrapers.decide import Decision, FeedState, classify, plan_update
from scrapers.schedule import SchedulePolicy
from scrapers.types import FetchResult, ParsedFeed
from tests.factories import T0

POLICY = SchedulePolicy(min_interval=300, max_interval=3600, default_interval=900)
URL = "https://kos.example/rss.xml"


def state(**kw) -> FeedState:
    values = dict(id=7, url=URL, enabled=True, site_id=1, site_enabled=True,
                  platform="generic", crosspost_window_hours=48.0, etag='"v1"',
                  last_modified=None, body_hash="old", interval_seconds=900, error_count=0,
                  title="Kos")
    values.update(kw)
    return FeedState(**values)


def fetched(status=200, body=b"<rss/>", **kw) -> FetchResult:
    return FetchResult(requested_url=URL, url=URL, status=status, body=body, **kw)


def test_a_new_body_with_new_diaries_resets_errors_and_polls_sooner():
    result = fetched(etag='"v2"', elapsed=1.5)
    plan = plan_update(state(error_count=2), Decision("ok", result, body_hash="new",
                                                      parsed=ParsedFeed(entries=[])),
                       T0, POLICY, new_count=3, updated_count=1)
    assert plan.outcome == "ok"
    assert plan.feed_values["etag"] == '"v2"' and plan.feed_values["body_hash"] == "new"
    assert plan.feed_values["error_count"] == 0 and plan.feed_values["last_error"] is None
    assert plan.next_poll_at == T0 + timedelta(seconds=450)
    assert plan.log_row["new_count"] == 3 and plan.log_row["updated_count"] == 1
    assert plan.log_row["finished_at"] == T0 + timedelta(seconds=1.5)


def test_a_quiet_poll_stretches_the_interval_and_a_304_keeps_the_validators():
    plan = plan_update(state(), Decision("not_modified", fetched(304, None)), T0, POLICY)
    assert plan.outcome == "not_modified"
    assert "etag" not in plan.feed_values and "body_hash" not in plan.feed_values
    assert plan.feed_values["interval_seconds"] == 1350


def test_an_etag_that_did_not_change_with_the_body_is_not_trusted_again():
    result = fetched(etag='"v1"')
    plan = plan_update(state(), Decision("ok", result, body_hash="new"), T0, POLICY)
    assert plan.feed_values["etag"] == 'untrusted:"v1"'
    assert "ETag did not change" in plan.warning
    again = plan_update(state(etag='untrusted:"v1"', body_hash="new"),
                        Decision("unchanged", result, body_hash="new"), T0, POLICY)
    assert again.feed_values["etag"] == 'untrusted:"v1"' and again.warning is None


def test_errors_count_up_and_back_off_and_a_410_disables_the_feed():
    error = classify(state(error_count=1), fetched(500, None, error="HTTP 500"))
    plan = plan_update(state(error_count=1), error, T0, POLICY)
    assert (plan.outcome, plan.feed_values["error_count"]) == ("error", 2)
    assert plan.next_poll_at == T0 + timedelta(seconds=900 * 4)
    assert "etag" not in plan.feed_values  # nothing learnt about the feed is forgotten
    gone = plan_update(state(), classify(state(), fetched(410, None, error="HTTP 410")),
                       T0, POLICY)
    assert gone.outcome == "disabled" and gone.feed_values["enabled"] is False
    assert gone.next_poll_at is None and "410 Gone" in gone.log_row["error"]


def test_a_permanent_move_updates_the_url_unless_another_feed_polls_it():
    moved = fetched(permanent_url="https://kos.example/new.xml")
    decision = Decision("unchanged", moved, body_hash="old")
    plan = plan_update(state(), decision, T0, POLICY)
    assert plan.feed_values["url"] == "https://kos.example/new.xml"
    taken = plan_update(state(), decision, T0, POLICY, url_taken_by=3)
    assert "url" not in taken.feed_values and "feed 3 already polls" in taken.warning


# classify: everything decided before any parse --------------------------------------

def test_classify_a_new_body_goes_to_the_parser_with_its_hash():
    decision = classify(state(), fetched(200, b"<rss>new</rss>"))
    assert decision.kind == "parse"
    assert decision.body_hash == hashlib.sha256(b"<rss>new</rss>").hexdigest()
    assert decision.message is None and decision.parsed is None


def test_classify_the_body_already_stored_is_unchanged_and_not_parsed():
    body = b"<rss>same</rss>"
    same = hashlib.sha256(body).hexdigest()
    decision = classify(state(body_hash=same), fetched(200, body))
    assert (decision.kind, decision.body_hash) == ("unchanged", same)
    # A first poll (no stored hash) parses even an empty body: it is the parser that
    # says whether it is a feed.
    assert classify(state(body_hash=None), fetched(200, b"")).kind == "parse"


def test_classify_a_304_we_asked_for_is_not_modified_and_an_unasked_one_an_error():
    assert classify(state(), fetched(304, None)).kind == "not_modified"
    unasked = classify(state(), fetched(304, None, error="304 without a conditional request"))
    assert (unasked.kind, unasked.message) == ("error", "304 without a conditional request")


def test_classify_410_is_gone_whatever_else_the_response_says():
    gone = classify(state(), fetched(410, b"<rss/>", error="HTTP 410"))
    assert gone.kind == "gone" and "410 Gone" in gone.message


def test_classify_failures_are_errors_with_a_message():
    for result, message in [
        (fetched(500, b"oops", error="HTTP 500"), "HTTP 500"),
        (fetched(None, None, error="timed out after 30 s"), "timed out after 30 s"),
        (fetched(404, b""), "HTTP 404"),  # no error text: the status says it
        (fetched(301, b""), "HTTP 301"),  # a redirect that was not followed is no feed
        (fetched(200, b"<rss/>", error="body over 5 MB"), "body over 5 MB"),
    ]:
        decision = classify(state(body_hash=None), result)
        assert (decision.kind, decision.message) == ("error", message), result
