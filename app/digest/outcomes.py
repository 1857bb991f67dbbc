"""Did a diary reach its site's rec list, and if not, how close did it come? Pure.

Only the current ``on_rec_list`` flag is stored, so a diary that was on the list on
Tuesday and fell off by Wednesday looks like it never made it. We reconstruct the race
from the recommend series instead: at every poll of the diary, its aged score (the same
model the dashboard ranks with, app.ranking) is compared with the site's entry bar at that
hour — the rec_slots-th best aged score among the site's diaries live then.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.ranking import Observation, SiteSettings, aged_score, entry_bar

# "Came close": the diary's best moment was within 25% of the bar.
NEAR_MISS_SHARE = 0.75


@dataclass(frozen=True)
class Series:
    diary_id: int
    published_at: datetime
    observations: Sequence[Observation]  # sorted by time
    on_rec_list: bool = False
    _times: tuple[datetime, ...] = field(default=(), compare=False, repr=False)

    def upto(self, moment: datetime) -> Sequence[Observation]:
        times = self._times or tuple(o.at for o in self.observations)
        return self.observations[: bisect.bisect_right(times, moment)]


def make_series(diary_id: int, published_at: datetime, observations: Iterable[Observation],
                on_rec_list: bool = False) -> Series:
    ordered = tuple(sorted(observations, key=lambda o: o.at))
    return Series(diary_id, published_at, ordered, on_rec_list, tuple(o.at for o in ordered))


@dataclass(frozen=True)
class RecOutcome:
    made_list: bool
    peak_score: float
    bar_at_peak: float
    # Recs short at the diary's closest moment; set only for near misses.
    missed_by: int | None


class SiteRace:
    """The rec-list race on one site, replayable at any hour."""

    def __init__(self, site: SiteSettings, diaries: Iterable[Series]):
        self.site = site
        self.diaries = list(diaries)
        self.window = timedelta(hours=max(site.rec_window_hours, 1.0))
        self._bars: dict[datetime, float] = {}

    def score(self, series: Series, moment: datetime) -> float:
        return aged_score(series.upto(moment), moment, self.site.half_life_hours,
                          series.published_at)

    def bar_at(self, moment: datetime) -> float:
        # One bar per hour keeps a week's replay to a few hundred evaluations per site.
        hour = moment.replace(minute=0, second=0, microsecond=0)
        if hour not in self._bars:
            live = [self.score(s, hour) for s in self.diaries
                    if s.published_at <= hour < s.published_at + self.window]
            self._bars[hour] = entry_bar(live, self.site.rec_slots, None,
                                         self.site.fallback_threshold)
        return self._bars[hour]

    def outcome(self, series: Series) -> RecOutcome:
        best_ratio, peak, bar_at_peak, smallest_gap = 0.0, 0.0, self.site.fallback_threshold, None
        made = series.on_rec_list
        for obs in series.observations:
            if obs.at >= series.published_at + self.window:
                break
            score = self.score(series, obs.at)
            bar = self.bar_at(obs.at)
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
