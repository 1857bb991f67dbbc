"""The time-zone picker: the zones a US team uses first, then every current zone.

``available_timezones()`` also lists ~150 backward-compatible aliases (US/Pacific,
Asia/Calcutta, Europe/Kiev...) that make the list twice as long and offer two names for
one place. tzdata's zone.tab names exactly one current zone per region, so that is the
list we offer; a user already on an alias keeps it (shown first) until they change it.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# ZoneInfo reads a file named after the zone: a directory ("America") or an over-long
# name fails with an OSError, not only ZoneInfoNotFoundError/ValueError.
BAD_ZONE_ERRORS = (ZoneInfoNotFoundError, ValueError, OSError)


def zone_named(name: str) -> ZoneInfo | None:
    """The IANA zone called ``name``, or None when there is no such zone."""
    try:
        return ZoneInfo(name)
    except BAD_ZONE_ERRORS:
        return None


# Most of the team lives here; Arizona and Hawaii keep standard time all year.
COMMON_US = (
    ("America/New_York", "US Eastern"),
    ("America/Chicago", "US Central"),
    ("America/Denver", "US Mountain"),
    ("America/Phoenix", "US Mountain, Arizona (no daylight saving)"),
    ("America/Los_Angeles", "US Pacific"),
    ("America/Anchorage", "Alaska"),
    ("Pacific/Honolulu", "Hawaii"),
)


@cache
def current_zones() -> tuple[str, ...]:
    """Every zone in tzdata's zone.tab (no aliases), plus UTC, sorted."""
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    names = {line.split("\t")[2] for line in text.splitlines()
             if line and not line.startswith("#")}
    return tuple(sorted(names | {"UTC"}))


def label(zone: str, now: datetime) -> str:
    """"America/Los_Angeles (PST)": the name and what clocks there read now."""
    return f"{zone.replace('_', ' ')} ({now.astimezone(ZoneInfo(zone)):%Z})"


def zone_choices(current: str | None, now: datetime) -> list[tuple[str, list[tuple[str, str]]]]:
    """Option groups for the picker: [(group label, [(value, label), ...]), ...]."""
    common = [(zone, f"{name} — {label(zone, now)}") for zone, name in COMMON_US]
    rest = [(zone, label(zone, now)) for zone in current_zones()
            if zone not in dict(COMMON_US)]
    groups = [("Common in the US", common), ("Other time zones", rest)]
    known = {zone for _, options in groups for zone, _ in options}
    if current and current not in known:
        groups.insert(0, ("Your current setting (an old name)", [(current, label(current, now))]))
    return groups
