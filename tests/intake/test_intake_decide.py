"""The poll's decision as plain values: what the feed row and the poll log become, with no
database and no network (scrapers.decide.plan_update; storage only applies it)."""

from __future__ import annotations

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
