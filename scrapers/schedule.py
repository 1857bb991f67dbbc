"""When to poll a feed next: pure arithmetic on the feed's state and the poll's outcome.

The next poll time is data on the feed row (``next_poll_at``), computed here so it can be
tested without a database or a clock. Busy feeds (new diaries found) are polled more
often, quiet ones less, always within ``min_interval..max_interval``; failing feeds back
off exponentially, and a server's Retry-After is honoured.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# A poll that found new diaries halves the interval; each quiet poll stretches it by half.
BUSY_FACTOR = 0.5
QUIET_FACTOR = 1.5


@dataclass(frozen=True)
class SchedulePolicy:
    """The polling settings from Config, so scrapers never import the app."""

    min_interval: int = 300
    max_interval: int = 3600
    default_interval: int = 900
    error_backoff_max: int = 86400
    failures_to_flag: int = 5

    @classmethod
    def from_config(cls, config) -> SchedulePolicy:
        return cls(min_interval=config.POLL_MIN_INTERVAL, max_interval=config.POLL_MAX_INTERVAL,
                   default_interval=config.POLL_DEFAULT_INTERVAL,
                   error_backoff_max=config.POLL_ERROR_BACKOFF_MAX,
                   failures_to_flag=config.POLL_FAILURES_TO_FLAG)

    def clamp(self, seconds: float) -> int:
        return int(min(max(seconds, self.min_interval), self.max_interval))


@dataclass(frozen=True)
class NextPoll:
    interval_seconds: int  # the feed's regular interval from now on
    next_poll_at: datetime


def after_success(policy: SchedulePolicy, interval: int, new_entries: int,
                  now: datetime) -> NextPoll:
    """A poll that worked (including 304 / unchanged body): adapt the interval to activity."""
    interval = policy.clamp(interval or policy.default_interval)
    factor = BUSY_FACTOR if new_entries > 0 else QUIET_FACTOR
    interval = policy.clamp(interval * factor)
    return NextPoll(interval, now + timedelta(seconds=interval))


def error_delay(policy: SchedulePolicy, interval: int, error_count: int) -> int:
    """interval × 2^errors, capped: ``error_count`` counts this failure too (≥ 1)."""
    base = policy.clamp(interval or policy.default_interval)
    exponent = min(max(error_count, 1), 32)  # 2^32 × anything is past any cap already
    return int(min(base * 2 ** exponent, policy.error_backoff_max))


def after_error(policy: SchedulePolicy, interval: int, error_count: int, now: datetime,
                retry_after: float | None = None) -> NextPoll:
    """A failed poll. The regular interval is kept for when the feed recovers.

    A Retry-After (429/503) replaces the exponential guess: the server told us when to
    come back, and coming back earlier would only be refused again. It is still capped,
    so a hostile header cannot park a feed for a year.
    """
    interval = policy.clamp(interval or policy.default_interval)
    if retry_after is not None and retry_after >= 0:
        delay = min(max(retry_after, 1.0), policy.error_backoff_max)
    else:
        delay = error_delay(policy, interval, error_count)
    return NextPoll(interval, now + timedelta(seconds=delay))


def is_failing(error_count: int, failures_to_flag: int) -> bool:
    """A feed an admin should look at: too many consecutive failed polls.

    The one "failing feed" rule: the poll's log level, the Sources page, `sources list`,
    the board's freshness line and the digest's feed trouble all ask here
    (``failures_to_flag`` is POLL_FAILURES_TO_FLAG)."""
    return error_count >= failures_to_flag
