"""Scrape health: do a site's diary pages still show what its adapter reads?

Sites change their markup without notice; then every count comes back unknown. This pure
function looks at the recent page reads of one site and says, per field the platform's
pages are expected to show, whether it has gone missing — so the Sources page, ``sources
list``, the digest and Boost today can say so plainly instead of showing stale numbers
as if all were well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# A field is missing when every read of the latest refresh cycle missed it (with at least
# MIN_CYCLE_READS reads, so one odd page does not raise the alarm), or when fewer than half
# of the reads of the last WINDOW found it.
MIN_CYCLE_READS = 3
WINDOW = timedelta(hours=1)
FIELD_NOUNS = {"recommends": "recommend counts", "comments": "comment counts",
               "author": "authors"}


@dataclass(frozen=True)
class Read:
    """One page read: when, and which fields it found."""

    at: datetime
    found: frozenset[str]


@dataclass(frozen=True)
class MissingField:
    field: str
    missed: int
    reads: int
    since: datetime  # the first read of the current run of misses

    def describe(self, site_name: str, when: str) -> str:
        """"Daily Kos: recommend counts not found on 20 of the last 20 pages since 14:05 —
        the site may have changed" (``when`` is ``since`` in the reader's zone)."""
        return (f"{site_name}: {FIELD_NOUNS.get(self.field, self.field)} not found on "
                f"{self.missed} of the last {self.reads} pages since {when} \u2014 the site "
                "may have changed")


def missing_fields(reads: Sequence[Read], expected: Sequence[str],
                   now: datetime) -> tuple[MissingField, ...]:
    """The ``expected`` fields the recent ``reads`` of one site failed to find."""
    # (Reads a little ahead of ``now`` count: clocks of the scheduler and web differ.)
    recent = sorted((r for r in reads if r.at >= now - WINDOW), key=lambda r: r.at)
    if not recent:
        return ()
    latest = recent[-1].at
    cycle = [r for r in recent if r.at == latest]
    problems = []
    for field in expected:
        missed = [r for r in recent if field not in r.found]
        cycle_lost = len(cycle) >= MIN_CYCLE_READS and all(field not in r.found for r in cycle)
        if not (cycle_lost or 2 * (len(recent) - len(missed)) < len(recent)):
            continue
        run_start = latest
        for r in reversed(recent):
            if field in r.found:
                break
            run_start = r.at
        problems.append(MissingField(field, len(missed), len(recent), run_start))
    return tuple(problems)
