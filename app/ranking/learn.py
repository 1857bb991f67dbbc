"""Learn a site's aging rule from the rec lists it showed.

A site ranks its Recommended list by an aged recommend score we cannot see; we see the
lists and, for the diaries we follow, their recommend counts over time. For each candidate
curve (half-lives of 0.5-12 h, the step tables known from the sites) we score, at each
list's time, every diary whose counts we were reading then, take the curve's top places and
count how many of the list's places it reproduces. The curve that reproduces most (ties: the
one that also orders the list's pairs best, then the earlier candidate) is the site's aging.

Only the diaries we were reading at a list's time take part, on both sides: the site's
top-k among *all* its diaries, restricted to those we know, is exactly the top-m of those
we know by the true score (m = how many of them are on the list), so a true curve fits
100 % however many diaries we miss. Too little evidence (``MIN_LISTS`` usable lists,
``MIN_DIARIES_PER_SLOT`` × k distinct diaries) gives None: the configured curve stays.

Pure: lists, counts and times in, a curve out; no database, no clock.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from app.ranking.curves import DAILY_KOS_STEPS, Curve
from app.ranking.needs import Observation

HALF_LIVES = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0)
# Step tables seen on the sites we follow (the older Daily Kos one); add others as found.
STEP_TABLES: tuple[tuple[tuple[float, float], ...], ...] = (DAILY_KOS_STEPS,)
CANDIDATES: tuple[Curve, ...] = (*(Curve.exponential(h) for h in HALF_LIVES),
                                 *(Curve.step(t) for t in STEP_TABLES))
MIN_LISTS = 12
MIN_DIARIES_PER_SLOT = 2
# Lists a few minutes apart say nearly the same thing: at most this many, spread evenly
# over the time seen, keep an hourly job to a second or two.
MAX_LISTS = 48
# A diary's counts are "known" at a list's time when a reading lies this close to it on
# either side. Metric rows are written when counts change or hourly (scrapers.store), so an
# unchanged diary that is being read shows a row at most an hour apart.
FRESH_HOURS = 1.25


@dataclass(frozen=True)
class SeenList:
    """One scraped list: the diaries we know on it, best first, and when it was read."""

    at: datetime
    diary_ids: tuple[int, ...]


@dataclass(frozen=True)
class CountHistory:
    published_at: datetime
    observations: Sequence[Observation]


@dataclass(frozen=True)
class LearnedAging:
    curve: Curve
    fit: float  # mean share of the lists' places the curve's top places reproduce, 0..1
    order: float  # mean share of listed pairs the curve orders as the site did, 0..1
    lists: int  # lists that counted as evidence
    diaries: int  # distinct diaries with counts at some list's time
    fits: tuple[tuple[Curve, float], ...] = ()  # every candidate's fit, best first


# Past this exponent the prefix sums below would overflow: such a diary is scored directly.
_MAX_EXPONENT = 600.0


class _Diary:
    """One diary's readings, prepared so that its aged score at any moment under any curve
    costs a few binary searches (prefix sums of its rises), not a pass over every reading:
    the learner scores each diary at each list's time under each candidate."""

    def __init__(self, history: CountHistory):
        self.published = _hours(history.published_at)
        points = sorted((_hours(o.at), o.recommends) for o in history.observations
                        if o.recommends is not None)
        self.times = [t for t, _ in points]  # readings with a recommend count
        self.first = self.times[0] if points else 0.0
        self.first_gain = 0  # recs read at the first reading (spread from publication)
        self.rise_times: list[float] = []  # later rises: when, and the running total
        self.totals: list[int] = []
        top = 0
        for t, recs in points:
            # Counts only go up; a drop is scrape noise (as in the board's score).
            if recs > top:
                if t == self.first:
                    self.first_gain += recs - top
                else:
                    self.rise_times.append(t)
                    self.totals.append(recs - self.first_gain)
                top = recs
        self._exp_sums: dict[float, list[float]] = {}

    def _gained(self, until: float, k: int) -> int:
        """Recs gained after the first reading, up to ``until`` (among the first k rises)."""
        j = min(bisect.bisect_right(self.rise_times, until), k)
        return self.totals[j - 1] if j else 0

    def score(self, at: float, curve: Curve) -> float:
        """The aged score at ``at`` from the readings up to then, as
        ``app.ranking.aged_score`` computes it (recs present at the first reading spread
        from publication to it)."""
        if not self.times or self.first > at:
            return 0.0
        if self.published < self.first:
            total = self.first_gain * curve.mean_weight(at - self.first, at - self.published)
        else:
            total = self.first_gain * curve.weight(at - self.first)
        k = bisect.bisect_right(self.rise_times, at)
        if not k:
            return total
        if curve.kind == "exp":
            rate = curve.rate
            if rate * (at - self.first) > _MAX_EXPONENT:
                return total + self._direct(at, k, curve)
            sums = self._exp_sums.get(rate)
            if sums is None:
                sums, acc, previous = [], 0.0, 0
                for t, running in zip(self.rise_times, self.totals, strict=True):
                    acc += (running - previous) * math.exp(rate * (t - self.first))
                    sums.append(acc)
                    previous = running
                self._exp_sums[rate] = sums
            return total + sums[k - 1] * math.exp(-rate * (at - self.first))
        # A step table: recs of each age band, times the band's weight.
        younger = 0.0
        for under, weight in curve.steps:
            total += weight * (self._gained(at - younger, k) - self._gained(at - under, k))
            younger = under
        return total

    def _direct(self, at: float, k: int, curve: Curve) -> float:
        total, previous = 0.0, 0
        for t, running in zip(self.rise_times[:k], self.totals[:k], strict=True):
            total += (running - previous) * curve.weight(at - t)
            previous = running
        return total

    def known_at(self, at: float, fresh: float) -> bool:
        if not self.times or self.first > at or self.published > at:
            return False
        i = bisect.bisect_left(self.times, at - fresh)
        return i < len(self.times) and self.times[i] <= at + fresh


def _hours(dt: datetime) -> float:
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp() / 3600.0


def _prepare(history: CountHistory) -> _Diary:
    return _Diary(history)


def spread(lists: Sequence[SeenList], most: int = MAX_LISTS) -> list[SeenList]:
    """At most ``most`` of the lists, oldest first, evenly spread over the time seen (the
    latest always in): lists minutes apart say nearly the same thing."""
    ordered = sorted(lists, key=lambda s: s.at)
    if len(ordered) <= most:
        return ordered
    # Evenly spaced, the latest always in.
    step = (len(ordered) - 1) / (most - 1) if most > 1 else 0
    picked = sorted({round(len(ordered) - 1 - i * step) for i in range(most)})
    return [ordered[i] for i in picked]


def _order_agreement(listed: Sequence[int], scores: Mapping[int, float]) -> float:
    pairs = agree = 0
    for i, a in enumerate(listed):
        for b in listed[i + 1:]:
            pairs += 1
            agree += scores[a] > scores[b]
    return agree / pairs if pairs else 1.0


def learn_aging(
    lists: Sequence[SeenList],
    histories: Mapping[int, CountHistory],
    slots: int,
    candidates: Sequence[Curve] = CANDIDATES,
    *,
    min_lists: int = MIN_LISTS,
    max_lists: int = MAX_LISTS,
    fresh_hours: float = FRESH_HOURS,
) -> LearnedAging | None:
    """The candidate curve whose top places best reproduce the ``lists`` seen, or None
    with too little evidence.

    ``histories`` are the site's diaries' count readings (any diary, on a list or not);
    ``slots`` is the list's length k (only its first k places are compared). A list counts
    as evidence when we were reading at least half of its diaries at its time and at least
    one diary off it.
    """
    slots = max(int(slots), 1)
    if not candidates:
        return None
    diaries = {i: _prepare(h) for i, h in histories.items()}
    usable: list[tuple[float, list[int], list[int]]] = []
    seen: set[int] = set()
    for snapshot in spread(lists, max(int(max_lists), 1)):
        at = _hours(snapshot.at)
        top = list(dict.fromkeys(snapshot.diary_ids))[:slots]
        known = sorted(i for i, d in diaries.items() if d.known_at(at, fresh_hours))
        known_set = set(known)
        listed = [i for i in top if i in known_set]
        if not listed or 2 * len(listed) < len(top) or len(known) <= len(listed):
            continue
        usable.append((at, listed, known))
        seen.update(known)
    if len(usable) < min_lists or len(seen) < MIN_DIARIES_PER_SLOT * slots:
        return None
    results = []
    for rank, curve in enumerate(candidates):
        fit = order = 0.0
        for at, listed, known in usable:
            scores = {i: diaries[i].score(at, curve) for i in known}
            best = sorted(known, key=lambda i: (-scores[i], i))[:len(listed)]
            fit += len(set(best) & set(listed)) / len(listed)
            order += _order_agreement(listed, scores)
        results.append((fit / len(usable), order / len(usable), -rank, curve))
    results.sort(key=lambda r: r[:3], reverse=True)
    fit, order, _rank, curve = results[0]
    return LearnedAging(curve, fit, order, len(usable), len(seen),
                        tuple((c, f) for f, _o, _r, c in results))
