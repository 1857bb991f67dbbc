"""Shift coverage: who is on, per site and hour, weighed by when diaries get posted.

A site's busy hours come from its stored diaries: an hour-of-week histogram (UTC) of
``published_at`` over the last LOOKBACK_WEEKS weeks, as diaries per week. An hour with
nobody on matters as much as that site posts in it, so the worst-covered busy hours are
those with the most posting per person on (weight / (people_on + 1)).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.shifts.service import active, open_count, shifts_between
from models import Diary, Shift, Site

LOOKBACK_WEEKS = 8
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class CoverageGap:
    site_id: int
    site_name: str
    starts_at: datetime  # UTC, start of the hour
    people_on: int
    weight: float  # diaries this site posts in this hour of the week, per week


@dataclass(frozen=True)
class OpenPlace:
    shift_id: int
    site_name: str | None  # None: any site
    starts_at: datetime
    ends_at: datetime
    focus: str
    open_count: int


@dataclass(frozen=True)
class Cell:
    starts_at: datetime | None  # UTC; None for a local hour that does not exist (DST)
    people_on: int = 0
    weight: float = 0.0
    level: int = 0  # 0 quiet .. 3 busiest, relative to the site's busiest hour
    open_places: int = 0  # planned places nobody has taken yet on shifts in this hour
    past: bool = False  # the hour is over: nothing to plan there any more

    @property
    def gap(self) -> bool:
        return self.people_on == 0 and self.weight > 0 and not self.past


@dataclass(frozen=True)
class GridRow:
    day: date
    cells: list[Cell]  # 24, by local hour


@dataclass(frozen=True)
class SiteGrid:
    site_id: int
    site_name: str
    rows: list[GridRow]


def hour_of_week(when: datetime) -> int:
    when = when.astimezone(UTC)
    return when.weekday() * 24 + when.hour


def _floor_hour(when: datetime) -> datetime:
    return when.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _sites(session: Session) -> list[Site]:
    return list(session.scalars(select(Site).where(Site.enabled.is_(True)).order_by(Site.name)))


def posting_weights(session: Session, before: datetime,
                    weeks: int = LOOKBACK_WEEKS) -> dict[int, dict[int, float]]:
    """{site_id: {hour_of_week: diaries per week}} from the ``weeks`` before ``before``."""
    rows = session.execute(
        select(Diary.site_id, Diary.published_at)
        .where(Diary.published_at >= before - timedelta(weeks=weeks),
               Diary.published_at < before))
    weights: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for site_id, published_at in rows:
        weights[site_id][hour_of_week(published_at)] += 1.0 / weeks
    return weights


def people_on(shifts: list[Shift], site_id: int, hour: datetime) -> int:
    """Distinct people on a shift for ``site_id`` (or any site) during the hour."""
    end = hour + HOUR
    people = {a.user_id for s in shifts
              if (s.site_id is None or s.site_id == site_id)
              and s.starts_at < end and s.ends_at > hour
              for a in active(s)}
    return len(people)


def open_places_on(shifts: list[Shift], site_id: int, hour: datetime) -> int:
    """Places still to fill on shifts for ``site_id`` (or any site) during the hour."""
    end = hour + HOUR
    return sum(open_count(s) for s in shifts
               if (s.site_id is None or s.site_id == site_id)
               and s.starts_at < end and s.ends_at > hour)


def _hours(start: datetime, end: datetime):
    hour = _floor_hour(start)
    while hour < end:
        yield hour
        hour += HOUR


def worst_covered_hours(session: Session, start: datetime, end: datetime,
                        limit: int = 5) -> list[CoverageGap]:
    """The busy hours in [start, end) with the fewest people per diary posted, worst first.

    Hours in which a site never posts are not gaps. "Any site" shifts count for every site.
    """
    weights = posting_weights(session, start)
    shifts = shifts_between(session, start, end)
    gaps = []
    for site in _sites(session):
        site_weights = weights.get(site.id, {})
        for hour in _hours(start, end):
            weight = site_weights.get(hour_of_week(hour), 0.0)
            if weight <= 0:
                continue
            gaps.append(CoverageGap(site.id, site.name, hour,
                                    people_on(shifts, site.id, hour), round(weight, 3)))
    gaps.sort(key=lambda g: (-g.weight / (g.people_on + 1), g.starts_at, g.site_name))
    return gaps[:limit]


def open_places(session: Session, start: datetime, end: datetime) -> list[OpenPlace]:
    """Shifts starting in [start, end) that still need people, earliest first."""
    return [OpenPlace(shift_id=s.id, site_name=s.site.name if s.site else None,
                      starts_at=s.starts_at, ends_at=s.ends_at, focus=s.focus,
                      open_count=open_count(s))
            for s in shifts_between(session, start, end)
            if s.starts_at >= start and open_count(s) > 0]


def window(start_day: date, zone: ZoneInfo, days: int = 7) -> tuple[datetime, datetime]:
    """The UTC span of ``days`` local days from ``start_day``: what the grid draws, and so
    what the gap list ranks (they must never disagree about which week it is)."""
    start = datetime.combine(start_day, datetime.min.time(), zone).astimezone(UTC)
    end = datetime.combine(start_day + timedelta(days=days), datetime.min.time(),
                           zone).astimezone(UTC)
    return start, end


def week_grid(session: Session, start_day: date, zone: ZoneInfo, now: datetime,
              days: int = 7) -> list[SiteGrid]:
    """Site × local day × local hour grid for ``days`` days from ``start_day`` in ``zone``.
    Hours over by ``now`` are marked past and never count as gaps."""
    start, end = window(start_day, zone, days)
    weights = posting_weights(session, start)
    shifts = shifts_between(session, start, end)
    grids = []
    for site in _sites(session):
        site_weights = weights.get(site.id, {})
        busiest = max(site_weights.values(), default=0.0)
        cells: dict[tuple[date, int], Cell] = {}
        for hour in _hours(start, end):
            local = hour.astimezone(zone)
            weight = site_weights.get(hour_of_week(hour), 0.0)
            level = 0 if weight <= 0 else min(3, 1 + int(3 * weight / busiest - 1e-9))
            cell = Cell(hour, people_on(shifts, site.id, hour), weight, level,
                        open_places_on(shifts, site.id, hour), past=hour + HOUR <= now)
            key = (local.date(), local.hour)
            # The repeated hour when clocks fall back: show the less covered of the two.
            if key not in cells or cell.people_on < cells[key].people_on:
                cells[key] = cell
        rows = [GridRow(day, [cells.get((day, h), Cell(None)) for h in range(24)])
                for day in (start_day + timedelta(days=i) for i in range(days))]
        grids.append(SiteGrid(site.id, site.name, rows))
    return grids


@dataclass(frozen=True)
class CoveragePage:
    gaps: list[CoverageGap]
    grids: list[SiteGrid]
    shifts: list[Shift]  # the next two weeks, cancelled ones included
    start_day: date
    end_day: date  # the last day the grid and the gap list cover


def coverage_page(session: Session, zone: ZoneInfo, now: datetime) -> CoveragePage:
    """Everything the coordinator's planning page shows, for a viewer in ``zone``."""
    today = now.astimezone(zone).date()
    _, week_end = window(today, zone)
    # The current hour still counts: a gap at 18:40 is worth filling until 19:00.
    return CoveragePage(
        gaps=worst_covered_hours(session, _floor_hour(now), week_end, limit=8),
        grids=week_grid(session, today, zone, now),
        shifts=shifts_between(session, now, now + timedelta(days=14), include_cancelled=True),
        start_day=today, end_day=today + timedelta(days=6))
