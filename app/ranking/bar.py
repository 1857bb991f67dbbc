"""The bar: the aged score a diary must beat to enter a site's rec list.

The k-th best aged score, read off the scraped list where there is one. Only fresh readings
count: a list entry whose counts we stopped reading (a day-old diary, a failed poll) would
otherwise be scored as if it had gained nothing since, and drag the bar toward zero, which
sends the team after diaries that cannot make it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

# A count read longer ago than this says little about the list now (polls are 5-15 min).
STALE_HOURS = 0.5
# A scraped list older than this is not the list now.
LIST_STALE_HOURS = 1.0


@dataclass(frozen=True)
class RecList:
    """One scrape of a site's rec list, as the site ranks it (best first)."""

    site_slug: str
    at: datetime
    diary_ids: tuple[int, ...]


@dataclass(frozen=True)
class Bar:
    value: float
    source: Literal["list", "kth", "fallback"]
    # Fresh aged scores of the diaries on the list (best first): pushing m diaries onto the
    # list moves the bar m places up this ladder.
    ladder: tuple[float, ...]
    on_list: frozenset[int]
    first_off: float  # best fresh score among known diaries off the list
    # The diaries behind the ladder's rungs, in the same order: a push displaces the one at
    # the bottom, so the board can tell whose place it takes.
    ladder_ids: tuple[int, ...] = ()

    def after_pushes(self, pushes: int, slots: int) -> float | None:
        """The bar for one more diary once ``pushes`` others were lifted onto the list, or
        None when the list has no place left for it."""
        if not self.ladder:
            return self.value if pushes == 0 else None
        index = min(len(self.ladder), slots) - 1 - pushes
        return self.ladder[index] if index >= 0 else None


def site_bar(
    scores: Mapping[int, float],
    fresh: set[int] | frozenset[int],
    rec_list: RecList | None,
    slots: int,
    fallback: float,
    now: datetime,
) -> Bar:
    """The bar from the known diaries' ``scores`` (only those in ``fresh`` are trusted).

    With a recent scraped list, at least half of whose entries we read freshly, the bar is
    the lowest fresh score on it. Otherwise the ``slots``-th best fresh score; with fewer
    fresh scores than slots, ``fallback``.
    """
    slots = max(int(slots), 1)
    known = {i: s for i, s in scores.items() if i in fresh and s >= 0}
    listed: list[int] = []
    if rec_list is not None and (now - rec_list.at).total_seconds() <= LIST_STALE_HOURS * 3600:
        listed = list(rec_list.diary_ids[:slots])
    read = [i for i in listed if i in known]
    if listed and 2 * len(read) >= len(listed):
        rungs = sorted(read, key=lambda i: (-known[i], i))
        ladder = tuple(known[i] for i in rungs)
        on_list = frozenset(listed)
        off = [s for i, s in known.items() if i not in on_list]
        return Bar(ladder[-1], "list", ladder, on_list, max(off, default=0.0), tuple(rungs))
    ranked = sorted(known.items(), key=lambda kv: (-kv[1], kv[0]))
    on_list = frozenset(i for i, _ in ranked[:slots])
    first_off = ranked[slots][1] if len(ranked) > slots else 0.0
    if len(ranked) >= slots:
        ladder = tuple(s for _, s in ranked[:slots])
        return Bar(ladder[-1], "kth", ladder, on_list, first_off,
                   tuple(i for i, _ in ranked[:slots]))
    return Bar(max(fallback, 0.0), "fallback", (), frozenset(), first_off)


def list_position(rec_list: RecList | None, diary_id: int) -> int | None:
    if rec_list is None or diary_id not in rec_list.diary_ids:
        return None
    return rec_list.diary_ids.index(diary_id) + 1
