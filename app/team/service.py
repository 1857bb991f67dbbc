"""What the team did in a week: actions per teammate by kind and by day, top
contributors, and who has not been active.

Weeks run Monday to Sunday in the viewer's zone; the caller turns that into UTC bounds
with ``week_bounds`` so the queries stay plain comparisons on the UTC ``at`` column.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ACTION_KINDS, Action, User

TOP_N = 5


@dataclass(frozen=True)
class MemberWeek:
    user_id: int
    name: str
    email: str
    total: int
    by_kind: dict[str, int]  # every ACTION_KIND present, zero when none
    by_day: tuple[int, ...]  # 7 counts, Monday first


@dataclass(frozen=True)
class TeamWeek:
    start: datetime  # UTC
    end: datetime  # UTC, exclusive
    days: tuple[date, ...]  # the seven local dates, Monday first
    members: list[MemberWeek]  # everyone with at least one action, most active first
    inactive: list[User]  # active users with no action this week, by name
    day_totals: tuple[int, ...]
    kind_totals: dict[str, int]
    total: int

    @property
    def top(self) -> list[MemberWeek]:
        return self.members[:TOP_N]

    @property
    def busiest_day_count(self) -> int:
        return max((count for m in self.members for count in m.by_day), default=0)


def week_bounds(now: datetime, zone: ZoneInfo, week_of: date | None = None
                ) -> tuple[datetime, datetime]:
    """UTC [start, end) of the Monday-Sunday week containing ``week_of`` (default: the
    local date of ``now``) in ``zone``. DST weeks are 167 or 169 hours long."""
    local_day = week_of or now.astimezone(zone).date()
    monday = local_day - timedelta(days=local_day.weekday())
    start = datetime.combine(monday, time(0), tzinfo=zone)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def team_week(session: Session, week_start_utc: datetime, week_end_utc: datetime,
              zone: ZoneInfo | None = None) -> TeamWeek:
    """Actions in [week_start_utc, week_end_utc), grouped per teammate, kind and local day.

    ``zone`` decides which local day an action falls on (default UTC); pass the viewer's
    zone, the same one used for ``week_bounds``.
    """
    zone = zone or ZoneInfo("UTC")
    first_day = week_start_utc.astimezone(zone).date()
    days = tuple(first_day + timedelta(days=i) for i in range(7))
    rows = session.execute(
        select(Action.user_id, Action.kind, Action.at)
        .where(Action.at >= week_start_utc, Action.at < week_end_utc))
    kinds: dict[int, Counter] = {}
    per_day: dict[int, list[int]] = {}
    for user_id, kind, at in rows:
        kinds.setdefault(user_id, Counter())[kind] += 1
        index = (at.astimezone(zone).date() - first_day).days
        if 0 <= index < 7:
            per_day.setdefault(user_id, [0] * 7)[index] += 1
    users = {user.id: user for user in session.scalars(select(User))}
    members = [
        MemberWeek(user_id=uid, name=users[uid].display_name, email=users[uid].email,
                   total=sum(counter.values()),
                   by_kind={kind: counter.get(kind, 0) for kind in ACTION_KINDS},
                   by_day=tuple(per_day.get(uid, [0] * 7)))
        for uid, counter in kinds.items() if uid in users
    ]
    members.sort(key=lambda m: (-m.total, m.name.lower()))
    inactive = sorted((u for u in users.values() if u.active and u.id not in kinds),
                      key=lambda u: u.display_name.lower())
    day_totals = tuple(sum(m.by_day[i] for m in members) for i in range(7))
    kind_totals = {kind: sum(m.by_kind[kind] for m in members) for kind in ACTION_KINDS}
    return TeamWeek(start=week_start_utc, end=week_end_utc, days=days, members=members,
                    inactive=inactive, day_totals=day_totals, kind_totals=kind_totals,
                    total=sum(m.total for m in members))


def heat_level(count: int, busiest: int) -> int:
    """0-4 for the heatmap cell shading: 0 is none, 4 is the week's busiest cell."""
    if count <= 0 or busiest <= 0:
        return 0
    return min(4, 1 + (3 * count) // busiest)
