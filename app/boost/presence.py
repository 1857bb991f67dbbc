"""Who can act now: teammates on shift or active lately, and their recommend budget.

The board only asks people who are at it. Presence is the last action, API call or
heartbeat from a visible, focused Boost today tab (a tab left open in the background does
not count); it is written at most once a minute per user so a busy board does not turn
every page view into a write.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import ranking
from models import Action, Shift, ShiftAssignment, User, board_version

ONLINE_MINUTES = 10
WRITE_EVERY = timedelta(minutes=1)
DEFAULT_RECS_PER_HOUR = 6
MAX_RECS_PER_HOUR = 60


def touch(session: Session, user: User, now: datetime) -> bool:
    """Mark ``user`` present at ``now``; flushes, the caller commits. True if written."""
    seen = user.last_seen_at
    if seen is not None and now - seen < WRITE_EVERY:
        return False
    if seen is None or now - seen > timedelta(minutes=ONLINE_MINUTES):
        # Coming online changes whom the board's plan asks; staying online does not.
        board_version.mark_changed(session)
    user.last_seen_at = now
    session.flush()
    return True


def team_state(session: Session, now: datetime, live_ids: Iterable[int]
               ) -> tuple[list[ranking.Teammate], dict[int, list[datetime]]]:
    """Every active teammate as ``ranking.Teammate`` (online or not, budget left this hour,
    shift end, diaries recommended), and the team's recommend times per live diary."""
    live_ids = list(live_ids)
    shift_ends: dict[int, datetime] = {}
    for user_id, ends_at in session.execute(
            select(ShiftAssignment.user_id, func.max(Shift.ends_at))
            .join(Shift, Shift.id == ShiftAssignment.shift_id)
            .where(ShiftAssignment.released_at.is_(None), Shift.cancelled_at.is_(None),
                   Shift.starts_at <= now, Shift.ends_at > now)
            .group_by(ShiftAssignment.user_id)):
        shift_ends[user_id] = ends_at
    # Shifts about to start: their teammates finish pushes that those leaving begin.
    shift_starts: dict[int, datetime] = {}
    for user_id, starts_at in session.execute(
            select(ShiftAssignment.user_id, func.min(Shift.starts_at))
            .join(Shift, Shift.id == ShiftAssignment.shift_id)
            .where(ShiftAssignment.released_at.is_(None), Shift.cancelled_at.is_(None),
                   Shift.starts_at > now,
                   Shift.starts_at <= now + timedelta(hours=ranking.tuning.ARRIVE_HOURS))
            .group_by(ShiftAssignment.user_id)):
        shift_starts[user_id] = starts_at
    spent = dict(session.execute(
        select(Action.user_id, func.count()).where(
            Action.kind == "recommend", Action.at > now - timedelta(hours=1))
        .group_by(Action.user_id)).all())
    recommended: dict[int, set[int]] = defaultdict(set)
    log: dict[int, list[datetime]] = defaultdict(list)
    if live_ids:
        for user_id, diary_id, at in session.execute(
                select(Action.user_id, Action.diary_id, Action.at)
                .where(Action.kind == "recommend", Action.diary_id.in_(live_ids))):
            recommended[user_id].add(diary_id)
            log[diary_id].append(at)
    since = now - timedelta(minutes=ONLINE_MINUTES)
    team = []
    for user in session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)):
        seen = user.last_seen_at is not None and user.last_seen_at >= since
        budget = (user.recs_per_hour or DEFAULT_RECS_PER_HOUR) - spent.get(user.id, 0)
        team.append(ranking.Teammate(
            user.id, max(budget, 0), shift_ends.get(user.id),
            frozenset(recommended.get(user.id, ())), user.id in shift_ends or seen,
            shift_starts.get(user.id)))
    return team, dict(log)
