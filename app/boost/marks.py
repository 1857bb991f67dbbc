"""A teammate's own view of Boost today: rows they dismissed ("not for me") or snoozed
are hidden, rows whose asked-for actions they already logged fold away as "done", and a
row they just hid stays in place as an "Undo" line for a few minutes.

The marks filter the board service's rows (``boost.boost_list``); the ranking never sees
them, because one teammate's "not for me" says nothing about what a diary needs.
``fold`` is pure: rows, marks and ``now`` in, the board's parts out.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, delete, func, select
from sqlalchemy.orm import Session

from app import lookup
from app.boost import service as boost_service
from app.errors import Conflict, ValidationError
from models import MARK_KINDS, BoardMark, Diary, User

# How long a just-hidden row keeps its "Undo" in place; later it is under "Hidden by you".
UNDO_WINDOW = timedelta(minutes=5)
# "Until tomorrow" means the start of the teammate's next morning, in their own zone.
MORNING = time(7, 0)
SNOOZE_CHOICES = {"1h": "for 1 hour", "tomorrow": "until tomorrow morning"}


@dataclass(frozen=True)
class Mark:
    diary_id: int
    kind: str  # dismiss | snooze
    until: datetime | None
    created_at: datetime

    @property
    def label(self) -> str:
        return "Not for you" if self.kind == "dismiss" else "Snoozed"


@dataclass(frozen=True)
class Folded:
    rows: list  # the board as shown: open rows, and just-hidden ones still undoable
    recent: dict[int, Mark]  # diary id -> mark, for rows shown as an "Undo" line
    done: list  # rows whose asked-for actions this teammate has all logged
    hidden: list[tuple[object, Mark]]  # older dismissed / snoozed rows, reachable


def snooze_until(choice: str, now: datetime, zone: ZoneInfo) -> datetime:
    """When a snooze ends: an hour from now, or the next 07:00 in the teammate's zone."""
    if choice == "1h":
        return now + timedelta(hours=1)
    if choice == "tomorrow":
        local = now.astimezone(zone)
        morning = datetime.combine(local.date() + timedelta(days=1), MORNING, zone)
        return morning.astimezone(now.tzinfo)
    raise ValidationError(f"Unknown snooze {choice!r}; use one of "
                          f"{', '.join(SNOOZE_CHOICES)}")


def is_done(row) -> bool:
    """The teammate logged every action the row asks for: nothing left for them to do."""
    return bool(row.mine) and set(row.need_kinds) <= set(row.mine)


def fold(rows: list, marks: dict[int, Mark], now: datetime) -> Folded:
    """Split ranked rows into what the teammate sees; the ranking order holds in each part.

    ``marks`` must be the active ones (see ``active_marks``)."""
    shown, recent, done, hidden = [], {}, [], []
    for row in rows:
        mark = marks.get(row.diary_id)
        if mark is None:
            (done if is_done(row) else shown).append(row)
        elif now - mark.created_at < UNDO_WINDOW:
            shown.append(row)
            recent[row.diary_id] = mark
        else:
            hidden.append((row, mark))
    return Folded(shown, recent, done, hidden)


def active_marks(session: Session, user_id: int, now: datetime) -> dict[int, Mark]:
    """Dismissals, and snoozes that have not ended yet (an ended one hides nothing)."""
    rows = session.scalars(select(BoardMark).where(
        BoardMark.user_id == user_id,
        (BoardMark.until.is_(None)) | (BoardMark.until > now)))
    return {m.diary_id: Mark(m.diary_id, m.kind, m.until, m.created_at) for m in rows}


def mark(session: Session, user: User, diary_id: int, kind: str, now: datetime,
         snooze: str | None = None, zone: ZoneInfo | None = None) -> Mark:
    """Dismiss or snooze a diary for ``user``; a new mark replaces an earlier one."""
    if kind not in MARK_KINDS:
        raise ValidationError(f"Unknown choice {kind!r}; use one of {', '.join(MARK_KINDS)}")
    lookup.by_id(session, Diary, diary_id, "diary")
    until = snooze_until(snooze or "", now, zone or ZoneInfo(user.timezone)) \
        if kind == "snooze" else None
    row = session.get(BoardMark, (user.id, diary_id))
    if row is None:
        row = BoardMark(user_id=user.id, diary_id=diary_id)
        session.add(row)
    row.kind, row.until, row.created_at = kind, until, now
    session.flush()
    return Mark(diary_id, kind, until, now)


def unmark(session: Session, user: User, diary_id: int) -> None:
    """Undo a dismiss or snooze: the row comes back where the ranking puts it."""
    gone = session.execute(delete(BoardMark).where(
        BoardMark.user_id == user.id, BoardMark.diary_id == diary_id)).rowcount
    if not gone:
        raise Conflict("That diary is not hidden (any more): nothing to undo.")
    session.flush()


def fingerprint(session: Session, user_id: int, now: datetime) -> str:
    """Changes when this teammate's marks change, a snooze ends or an undo window closes,
    so the board's poll (ETag) notices without building the board."""
    return fingerprint_of(session.execute(fingerprint_query(),
                                          fingerprint_params(user_id, now)).one())


@functools.cache
def fingerprint_query() -> Select:
    """What ``fingerprint`` is made of, as one row (also read with other state at once:
    ``app.boost.live.snapshot``); its parameters come from ``fingerprint_params``. Built
    once: SQLAlchemy then keys its compiled form without walking it at every request."""
    live = (BoardMark.until.is_(None)) | (BoardMark.until > bindparam("marks_now"))
    return select(
        func.count(BoardMark.diary_id).label("marks"),
        func.max(BoardMark.created_at).label("marked_at"),
        func.count(BoardMark.diary_id).filter(live).label("marks_live"),
        func.count(BoardMark.diary_id).filter(BoardMark.created_at > bindparam("undo_since"))
        .label("marks_undoable"),
    ).where(BoardMark.user_id == bindparam("marks_user"))


def fingerprint_params(user_id: int, now: datetime) -> dict:
    return {"marks_user": user_id, "marks_now": now, "undo_since": now - UNDO_WINDOW}


def fingerprint_of(row) -> str:
    return hashlib.sha256(repr(tuple(row)).encode()).hexdigest()[:16]


def my_board(session: Session, user: User, now: datetime, site: str | None = None,
             need: str | None = None) -> tuple[boost_service.BoostPage, Folded]:
    """Boost today as ``user`` sees it: the board service's page with their marks applied.

    Loads as many extra rows as the user has hidden, so hiding rows does not shorten the
    list; ``page.total`` counts what is left for them."""
    marks = active_marks(session, user.id, now)
    page = boost_service.boost_list(session, user, now, site=site, need=need,
                                    limit=boost_service.PAGE_LIMIT + len(marks))
    folded = fold(page.rows, marks, now)
    shown = folded.rows[:boost_service.PAGE_LIMIT]
    left = page.total - len(folded.done) - len(folded.hidden) - len(folded.recent)
    return replace(page, rows=shown, total=max(left, 0) + len(folded.recent)), folded
