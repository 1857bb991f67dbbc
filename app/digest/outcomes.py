"""Did a diary reach its site's rec list, and if not, how close did it come? Pure.

Only the current ``on_rec_list`` flag is stored, so a diary that was on the list on
Tuesday and fell off by Wednesday looks like it never made it. We replay the race from
the recommend series instead: at each poll of the diary, its aged score (the dashboard's
model, app.ranking.aged_score) is compared with the site's entry bar at that moment — the
rec_slots-th best aged score among the site's diaries live then (app.ranking.entry_bar).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.ranking import (
    MAX_COUNT,
    MIN_HALF_LIFE_HOURS,
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


def _spread(x: float) -> float:
    # As app.ranking: recs present at the first poll are spread evenly since publication.
    return -math.expm1(-x) / x if x > 1e-9 else 1.0


class ScoreCurve:
    """A diary's aged score at any moment, as ``aged_score(polls up to then, then, ...)``.

    A week of replays asks for thousands of scores per site; re-running the model each time
    takes seconds. Every rec gained at poll i weighs exp(-rate * (t - t_i)), so the score at
    t is exp(-rate * t) times a prefix sum over the polls before t: O(log n) per question.
    tests/digest/test_digest_outcomes.py checks it against app.ranking.aged_score.
    """

    def __init__(self, published_at: datetime, observations: Sequence[Observation],
                 half_life_hours: float):
        self.published_at = published_at
        self.observations = tuple(sorted(observations, key=lambda o: o.at))
        # As app.ranking: under a minute, or NaN, means one minute.
        self.half_life = (half_life_hours if half_life_hours > MIN_HALF_LIFE_HOURS
                          else MIN_HALF_LIFE_HOURS)
        self.times = [o.at for o in self.observations]
        self.anchor = self.times[0] if self.times else published_at
        rate = math.log(2) / self.half_life
        self.rate = rate
        span = _hours(self.times[-1] - self.anchor) if self.times else 0.0
        self.fast = rate * span < _MAX_EXPONENT
        self.prefix: list[float] = []
        if not self.fast:
            return
        total, top = 0.0, 0
        first = self.times[0] if self.times else None
        for obs in self.observations:
            recs = obs.recommends
            if recs is not None and recs > top and top < MAX_COUNT:
                recs = min(recs, MAX_COUNT)
                weight = math.exp(rate * _hours(obs.at - self.anchor))
                if obs.at == first and published_at < obs.at:
                    weight *= _spread(rate * _hours(obs.at - published_at))
                total += (recs - top) * weight
                top = recs
            self.prefix.append(total)

    def at(self, moment: datetime) -> float:
        count = bisect.bisect_right(self.times, moment)
        if count == 0:
            return 0.0
        if not self.fast:
            return aged_score(self.observations[:count], moment, self.half_life,
                              self.published_at)
        return self.prefix[count - 1] * math.exp(-self.rate * _hours(moment - self.anchor))


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
        self.curves = {s.diary_id: ScoreCurve(s.published_at, s.observations,
                                              site.half_life_hours) for s in diaries}
        # By publication time, so the diaries live at a moment are one bisect away.
        self._by_published = sorted(self.curves.values(), key=lambda c: c.published_at)
        self._published = [c.published_at for c in self._by_published]
        self._bars: dict[datetime, float] = {}

    def _curve(self, series: Series) -> ScoreCurve:
        curve = self.curves.get(series.diary_id)
        if curve is None:
            curve = ScoreCurve(series.published_at, series.observations,
                               self.site.half_life_hours)
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
