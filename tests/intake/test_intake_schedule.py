"""Next-poll arithmetic: busy feeds sooner, quiet ones later, failing ones back off."""

from datetime import UTC, datetime, timedelta

from scrapers.schedule import SchedulePolicy, after_error, after_success, error_delay, is_failing

NOW = datetime(2026, 11, 17, 16, 0, tzinfo=UTC)
POLICY = SchedulePolicy(min_interval=300, max_interval=3600, default_interval=900,
                        error_backoff_max=86400, failures_to_flag=5)


def test_busy_feed_is_polled_sooner_quiet_feed_later():
    busy = after_success(POLICY, 900, new_entries=3, now=NOW)
    quiet = after_success(POLICY, 900, new_entries=0, now=NOW)
    assert busy.interval_seconds == 450 and busy.next_poll_at == NOW + timedelta(seconds=450)
    assert quiet.interval_seconds == 1350 and quiet.next_poll_at == NOW + timedelta(seconds=1350)


def test_interval_stays_within_bounds():
    interval = 900
    for _ in range(20):
        interval = after_success(POLICY, interval, 5, NOW).interval_seconds
    assert interval == 300
    for _ in range(20):
        interval = after_success(POLICY, interval, 0, NOW).interval_seconds
    assert interval == 3600


def test_errors_back_off_exponentially_up_to_the_cap():
    delays = [error_delay(POLICY, 900, n) for n in range(1, 9)]
    assert delays[:4] == [1800, 3600, 7200, 14400]
    assert delays[-1] == 86400 and max(delays) == 86400
    nxt = after_error(POLICY, 900, 2, NOW)
    assert nxt.next_poll_at == NOW + timedelta(seconds=3600)
    assert nxt.interval_seconds == 900  # kept for when the feed recovers
    assert error_delay(POLICY, 900, 10_000) == 86400


def test_retry_after_wins_over_the_backoff_but_is_capped():
    assert after_error(POLICY, 900, 1, NOW, retry_after=120).next_poll_at \
        == NOW + timedelta(seconds=120)
    assert after_error(POLICY, 900, 1, NOW, retry_after=10**9).next_poll_at \
        == NOW + timedelta(seconds=86400)


def test_failing_flag_after_threshold():
    assert not is_failing(4, POLICY.failures_to_flag)
    assert is_failing(5, POLICY.failures_to_flag)
