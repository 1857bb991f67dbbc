"""Did a diary reach its site's rec list, and if not, how close did it come? Pure.

Only the current ``on_rec_list`` flag is stored, so a diary that was on the list on
Tuesday and fell off by Wednesday looks like it never made it. We replay the race from
the recommend series instead: at each poll of the diary, its aged score (the dashboard's
model, app.ranking.aged_score, with the site's own aging curve: exponential or steps) is
compared with the site's entry bar at that moment — the rec_slots-th best aged score among
the site's diaries live then (app.ranking.entry_bar).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.ranking import (
    MAX_COUNT,
    Curve,
    Observation,
    SiteSettings,
    aged_score,
    entry_bar,
)

# "Came close": the diary's best moment was within 25% of the bar.
NEAR_MISS_SHARE = 0.75
# Bars are computed on a 10-minute grid and the diary is scored at the same grid instant,
# so both sides of the comparison decay alike.
STEP = timedelta(minutes=10)
# Beyond this exponent the closed form below would overflow; use the model directly.
_MAX_EXPONENT = 600.0


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600.0


class ScoreCurve:
    """A diary's aged score at any moment, as ``aged_score(polls up to then, then, curve,
    published_at)`` with the site's ``Curve`` (app.ranking.curves).

    A week of replays asks for thousands of scores per site; re-running the model each time
    takes seconds. So the recs gained at each poll (a running maximum, as the model counts
    them) are summed once in time order, and a score is a few lookups in that prefix sum:
    exponential, every gain weighs exp(-rate * (t - t_i)), a common factor times the prefix
    sum; steps, the gains whose age falls in each step, two bisects per step. The recs
    present at the first poll are spread from publication with ``Curve.mean_weight``, as
    the model does. tests/digest/test_digest_outcomes.py checks both against aged_score.
    """

    def __init__(self, published_at: datetime, observations: Sequence[Observation],
                 aging: Curve | float):
        self.curve = aging if isinstance(aging, Curve) else Curve.exponential(aging)
        self.published_at = published_at
        self.observations = tuple(sorted(observations, key=lambda o: o.at))
        self.times = [o.at for o in self.observations]
        # Recs gained at each poll, as app.ranking counts them: polls that could not read
        # the count say nothing, and a drop is scrape noise (a running maximum).
        gains: list[tuple[datetime, int]] = []
        top = 0
        for obs in self.observations:
            recs = obs.recommends
            if recs is not None and recs > top and top < MAX_COUNT:
                recs = min(recs, MAX_COUNT)
                gains.append((obs.at, recs - top))
                top = recs
        known = [o.at for o in self.observations if o.recommends is not None]
        self.first = known[0] if known else None
        # Recs present at the first poll that read the count, spread since publication.
        self.spread = (self.first is not None and published_at < self.first)
        self.first_gain = sum(g for at, g in gains if at == self.first) if self.spread else 0
        rest = [(at, g) for at, g in gains if not (self.spread and at == self.first)]
        self.gain_times = [at for at, _ in rest]
        self.anchor = self.times[0] if self.times else published_at
        self.rate = self.curve.rate
        self.exp = self.curve.kind == "exp"
        span = _hours(self.times[-1] - self.anchor) if self.times else 0.0
        self.fast = not self.exp or self.rate * span < _MAX_EXPONENT
        self.prefix = [0.0]
        for at, g in rest if self.fast else ():
            weight = math.exp(self.rate * _hours(at - self.anchor)) if self.exp else 1.0
            self.prefix.append(self.prefix[-1] + g * weight)
        # Steps as (the age at which a weight starts, where it ends, the weight).
        self.steps: list[tuple[timedelta, timedelta, float]] = []
        start = 0.0
        for under, w in (self.curve.steps if not self.exp else ()):
            if under > start:
                self.steps.append((timedelta(hours=start), timedelta(hours=under), w))
            start = max(start, under)

    def at(self, moment: datetime) -> float:
        if bisect.bisect_right(self.times, moment) == 0:
            return 0.0
        if not self.fast:
            count = bisect.bisect_right(self.times, moment)
            return aged_score(self.observations[:count], moment, self.curve,
                              self.published_at)
        score = 0.0
        if self.first_gain and self.first is not None and self.first <= moment:
            score += self.first_gain * self.curve.mean_weight(
                _hours(moment - self.first), _hours(moment - self.published_at))
        if self.exp:
            n = bisect.bisect_right(self.gain_times, moment)
            return score + self.prefix[n] * math.exp(-self.rate * _hours(moment - self.anchor))
        for young, old, w in self.steps:
            # Gains aged [young, old): polled in (moment - old, moment - young].
            hi = bisect.bisect_right(self.gain_times, moment - young)
            lo = bisect.bisect_right(self.gain_times, moment - old)
            if hi > lo:
                score += w * (self.prefix[hi] - self.prefix[lo])
        return score


@dataclass(frozen=True)
class Series:
    diary_id: int
    published_at: datetime
    observations: tuple[Observation, ...]  # sorted by time
    on_rec_list: bool = False


def make_series(diary_id: int, published_at: datetime, observations: Iterable[Observation],
                on_rec_list: bool = False) -> Series:
    return Series(diary_id, published_at, tuple(sorted(observations, key=lambda o: o.at)),
                  on_rec_list)


@dataclass(frozen=True)
class RecOutcome:
    made_list: bool
    peak_score: float
    bar_at_peak: float
    # Recs short at the diary's closest moment; set only for near misses.
    missed_by: int | None


class SiteRace:
    """The rec-list race on one site, replayable at any moment."""

    def __init__(self, site: SiteSettings, diaries: Iterable[Series]):
        self.site = site
        self.window = timedelta(hours=max(site.rec_window_hours, 1.0))
        self.curves = {s.diary_id: ScoreCurve(s.published_at, s.observations, site.aging)
                       for s in diaries}
        # By publication time, so the diaries live at a moment are one bisect away.
        self._by_published = sorted(self.curves.values(), key=lambda c: c.published_at)
        self._published = [c.published_at for c in self._by_published]
        self._bars: dict[datetime, float] = {}

    def _curve(self, series: Series) -> ScoreCurve:
        curve = self.curves.get(series.diary_id)
        if curve is None:
            curve = ScoreCurve(series.published_at, series.observations, self.site.aging)
        return curve

    def bar_at(self, moment: datetime) -> float:
        if moment not in self._bars:
            lo = bisect.bisect_right(self._published, moment - self.window)
            hi = bisect.bisect_right(self._published, moment)
            live = [c.at(moment) for c in self._by_published[lo:hi]]
            self._bars[moment] = entry_bar(live, self.site.rec_slots, None,
                                           self.site.fallback_threshold)
        return self._bars[moment]

    def outcome(self, series: Series) -> RecOutcome:
        curve = self._curve(series)
        best_ratio, peak, bar_at_peak = 0.0, 0.0, self.site.fallback_threshold
        smallest_gap = None
        made = series.on_rec_list
        for obs in series.observations:
            if obs.at >= series.published_at + self.window:
                break
            moment = _grid(obs.at)
            score, bar = curve.at(moment), self.bar_at(moment)
            if score > 0 and score >= bar:
                made = True
            ratio = score / bar if bar > 0 else 0.0
            if ratio > best_ratio:
                best_ratio, peak, bar_at_peak = ratio, score, bar
            gap = bar - score
            if smallest_gap is None or gap < smallest_gap:
                smallest_gap = gap
        missed_by = None
        if not made and best_ratio >= NEAR_MISS_SHARE and smallest_gap is not None:
            missed_by = max(1, math.ceil(smallest_gap))
        return RecOutcome(made, peak, bar_at_peak, missed_by)


def _grid(moment: datetime) -> datetime:
    """The first 10-minute mark at or after ``moment`` (so the poll itself is counted)."""
    floor = moment.replace(minute=moment.minute - moment.minute % 10, second=0, microsecond=0)
    return floor if floor == moment else floor + STEP
