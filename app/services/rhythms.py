"""Site rhythms: when to post. For each hour of the week on one site, over the last
weeks: how many diaries were posted, how high the rec-list bar usually was, and how many
of that hour's diaries reached the rec list.

"Reached the rec list" is the digest's rule (app.digest.outcomes: the stored flag, or
the diary's aged score at or above the site's entry bar at one of its polls), and the bar
is the same race's entry bar, so this page and the digest never disagree. Hours are the
viewer's local hours; a week is Monday to Sunday.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.digest import outcomes
from app.digest.build import series_of
from app.services.site_aging import site_settings
from models import Diary, Site

WEEKS = 8
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Cell:
    posted: int = 0  # diaries posted in this hour of the week, over all the weeks
    made: int = 0  # of those, how many reached the rec list
    bar: float | None = None  # the usual (median) entry bar at this hour, in aged recs

    @property
    def share(self) -> float | None:
        return self.made / self.posted if self.posted else None


@dataclass(frozen=True)
class SiteRhythm:
    site_id: int
    slug: str
    name: str
    weeks: int
    since: datetime
    until: datetime
    cells: tuple[tuple[Cell, ...], ...]  # [weekday 0..6][local hour 0..23]

    def cell(self, weekday: int, hour: int) -> Cell:
        return self.cells[weekday][hour]

    @property
    def total(self) -> int:
        return sum(c.posted for row in self.cells for c in row)

    @property
    def max_posted(self) -> int:
        return max((c.posted for row in self.cells for c in row), default=0)

    @property
    def max_bar(self) -> float:
        return max((c.bar or 0.0 for row in self.cells for c in row), default=0.0)

    def best_hours(self, limit: int = 3, min_posted: int = 3) -> list[tuple[int, int, Cell]]:
        """The hours whose diaries reached the list most often (enough of them to say)."""
        ranked = [(day, hour, c) for day, row in enumerate(self.cells)
                  for hour, c in enumerate(row) if c.posted >= min_posted and c.made]
        ranked.sort(key=lambda x: (-(x[2].share or 0), -x[2].posted, x[0], x[1]))
        return ranked[:limit]


def level(value: float | None, top: float) -> int:
    """0..4 for a heat-map cell: how ``value`` compares with the busiest one."""
    if not value or top <= 0:
        return 0
    return min(4, 1 + int(4 * value / top - 1e-9))


def site_rhythm(session: Session, site: Site, now: datetime, zone: ZoneInfo,
                weeks: int = WEEKS) -> SiteRhythm:
    """The heat-map numbers of ``site`` over the ``weeks`` before ``now``, in ``zone``."""
    since = now - timedelta(weeks=weeks)
    settings = site_settings(site)
    window = timedelta(hours=max(settings.rec_window_hours, 1.0))
    # Rivals published up to a window earlier still set the bar for the first diaries.
    rows = list(session.execute(
        select(Diary.id, Diary.published_at, Diary.on_rec_list)
        .where(Diary.site_id == site.id, Diary.published_at >= since - window,
               Diary.published_at < now)))
    series = series_of(session, rows, until=now)
    race = outcomes.SiteRace(settings, series.values())
    posted = [[0] * 24 for _ in range(7)]
    made = [[0] * 24 for _ in range(7)]
    for row in rows:
        if row.published_at < since:
            continue
        local = row.published_at.astimezone(zone)
        posted[local.weekday()][local.hour] += 1
        if race.outcome(series[row.id]).made_list:
            made[local.weekday()][local.hour] += 1
    bars: list[list[list[float]]] = [[[] for _ in range(24)] for _ in range(7)]
    hour = since.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    while hour < now:
        local = hour.astimezone(zone)
        # Mid-hour, on the race's 10-minute grid.
        bars[local.weekday()][local.hour].append(race.bar_at(hour + timedelta(minutes=30)))
        hour += timedelta(hours=1)
    cells = tuple(tuple(Cell(posted[d][h], made[d][h],
                             statistics.median(bars[d][h]) if bars[d][h] else None)
                        for h in range(24)) for d in range(7))
    return SiteRhythm(site.id, site.slug, site.name, weeks, since, now, cells)


def rhythm_sites(session: Session) -> list[Site]:
    return list(session.scalars(select(Site).where(Site.enabled.is_(True)).order_by(Site.name)))


@dataclass(frozen=True)
class HeatMap:
    kind: str
    caption: str
    text: tuple[tuple[str, ...], ...]  # [weekday][hour], "" for nothing to show
    levels: tuple[tuple[int, ...], ...]


def heat_maps(rhythm: SiteRhythm) -> list[HeatMap]:
    """The three maps of the page, each with a short plain caption."""

    def build(kind, caption, value, show):
        cells = [[rhythm.cell(d, h) for h in range(24)] for d in range(7)]
        values = [[value(c) for c in row] for row in cells]
        top = max((v for row in values for v in row if v), default=0)
        return HeatMap(kind, caption,
                       tuple(tuple(show(c, v) if v else ""
                                   for c, v in zip(crow, vrow, strict=True))
                             for crow, vrow in zip(cells, values, strict=True)),
                       tuple(tuple(level(v, top) for v in row) for row in values))

    weeks = rhythm.weeks
    return [
        build("posted", f"Diaries posted at each hour, all {weeks} weeks together. Busy "
              "hours have more readers, and more diaries to compete with.",
              lambda c: c.posted, lambda c, v: str(v)),
        build("bar", "How high the bar to the rec list usually is at each hour (recent "
              "recommends a diary needs). Lower is easier.",
              lambda c: c.bar, lambda c, v: f"{v:.0f}"),
        build("made", "Of the diaries posted at each hour, how many reached the rec list "
              "(reached / posted). Darker: a larger share made it.",
              lambda c: c.share, lambda c, v: f"{c.made}/{c.posted}"),
    ]
