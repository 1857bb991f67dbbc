"""Amplification shifts: create (with repeats), edit, cancel, assign, claim and drop.

Times are stored in UTC. A coordinator types wall-clock times in their own zone; a
repeating shift keeps that wall-clock time on every date (18:00 stays 18:00 after a
daylight-saving change, so the UTC instant moves). Every change a teammate's calendar
must notice bumps ``sequence`` on the shift and its places.

Functions that change shifts return a :class:`ShiftChange` listing who must be told;
the caller sends those mails after its commit (app.shifts.mail).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app import lookup
from app.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.validation import check_date
from models import FOCUSES, Shift, ShiftAssignment, Site, User

REPEATS = ("daily", "weekdays", "weekly")
MAX_OCCURRENCES = 120
# Longer than this is almost always a typo (20:00–18:00 read as 22 hours), not a plan.
MAX_SHIFT_HOURS = 12
# How long a coordinator can take back a cancel (the teammates were already emailed, so
# the window is short; an undo emails them again).
UNDO_MINUTES = 10
FOCUS_LABELS = {"any": "any help", "recommend": "recommend", "comment": "comment",
                "crosspost": "cross-post"}


@dataclass(frozen=True)
class Notice:
    """Tell the holder of one place that a coordinator changed it."""

    kind: str  # assigned | changed | cancelled | unassigned | restored
    assignment_id: int


@dataclass
class ShiftChange:
    shifts: list[Shift]
    notices: list[Notice] = field(default_factory=list)


@dataclass(frozen=True)
class CancelPlan:
    """What a cancel would hit, shown to the coordinator before they confirm."""

    shifts: list[Shift]
    people: list[User]  # distinct holders of a place on any of them


@dataclass(frozen=True)
class SeriesClaim:
    claimed: list[Shift]
    skipped: list[tuple[Shift, str]]  # (shift, why), e.g. full or clashing


@dataclass(frozen=True)
class MyShifts:
    upcoming: list[ShiftAssignment]
    recent: list[ShiftAssignment]


# Time helpers ---------------------------------------------------------------

def zone_of(user: User | None, default: str = "America/Los_Angeles") -> ZoneInfo:
    return ZoneInfo((user.timezone if user is not None else None) or default)


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """A naive wall-clock time in ``zone`` as an aware UTC datetime."""
    return local.replace(tzinfo=zone).astimezone(UTC)


def site_label(shift: Shift) -> str:
    return shift.site.name if shift.site is not None else "any site"


def describe(shift: Shift, zone: ZoneInfo) -> str:
    """"Daily Kos, Tue 17 Nov 18:00–21:00 PST" in the reader's zone."""
    start = shift.starts_at.astimezone(zone)
    end = shift.ends_at.astimezone(zone)
    end_fmt = "%H:%M %Z" if end.date() == start.date() else "%a %d %b %H:%M %Z"
    return f"{site_label(shift)}, {start:%a %d %b %H:%M}–{end.strftime(end_fmt)}"


def active(shift: Shift) -> list[ShiftAssignment]:
    return [a for a in shift.assignments if a.released_at is None]


def _bump(shift: Shift, now: datetime) -> None:
    """The shift changed: its calendar events (the shift's and each place's) move on one
    sequence number, so subscribed calendars replace their copies."""
    shift.sequence += 1
    shift.updated_at = now
    for assignment in shift.assignments:
        assignment.sequence += 1


def _set_cancelled(change: ShiftChange, shift: Shift, cancelled_at: datetime | None,
                   notice: str, *, by: User, now: datetime) -> None:
    """Cancel (``cancelled_at``) or restore (None) one shift; everyone still holding a
    place on it hears of it, except ``by`` who did it."""
    shift.cancelled_at = cancelled_at
    _bump(shift, now)
    change.notices.extend(Notice(notice, a.id) for a in active(shift) if a.user_id != by.id)


def open_count(shift: Shift) -> int:
    return max(0, shift.places - len(active(shift)))


def occurrence_dates(first: date, repeat: str | None, count: int | None = None,
                     until: date | None = None) -> list[date]:
    """The local dates of a (possibly repeating) shift, first date included."""
    if not repeat:
        return [first]
    if repeat not in REPEATS:
        raise ValidationError(f"Repeat must be one of {', '.join(REPEATS)}")
    if count is None and until is None:
        raise ValidationError("A repeating shift needs a number of times or an end date")
    if count is not None and not 1 <= count <= MAX_OCCURRENCES:
        raise ValidationError(f"Repeat between 1 and {MAX_OCCURRENCES} times")
    if until is not None:
        check_date("Until", until)
    if until is not None and until < first:
        raise ValidationError("The repeat end date is before the first shift")
    step = timedelta(days=7 if repeat == "weekly" else 1)
    dates: list[date] = []
    day = first
    while (count is None or len(dates) < count) and (until is None or day <= until):
        if repeat != "weekdays" or day.weekday() < 5:
            dates.append(day)
        if len(dates) > MAX_OCCURRENCES:
            raise ValidationError(f"That repeat makes more than {MAX_OCCURRENCES} shifts; "
                                  "shorten it")
        day += step
    if not dates:
        raise ValidationError("That repeat contains no dates")
    return dates


def _span(start_local: datetime, end_local: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    check_date("Date", start_local)
    start, end = to_utc(start_local, zone), to_utc(end_local, zone)
    if end <= start:
        raise ValidationError("A shift must end after it starts")
    if end - start > timedelta(hours=MAX_SHIFT_HOURS):
        hours = (end - start) / timedelta(hours=1)
        raise ValidationError(f"That shift would last {hours:g} hours; a shift can last at "
                              f"most {MAX_SHIFT_HOURS} hours")
    return start, end


def _end_of(start_local: datetime, end_local: datetime, overnight: bool) -> datetime:
    """The end as a full local datetime. An end at or before the start is only read as
    "the next day" when the coordinator said so: 20:00–18:00 is far more often a typo
    than a 22-hour shift."""
    if overnight:
        return datetime.combine(start_local.date() + timedelta(days=1), end_local.time())
    if end_local <= start_local:
        raise ValidationError(
            f"The shift ends ({end_local:%H:%M}) before it starts ({start_local:%H:%M}). "
            "Tick \"overnight shift\" if it runs past midnight.")
    return end_local


def _not_past(starts_at: datetime, zone: ZoneInfo, now: datetime) -> None:
    if starts_at < now:
        raise ValidationError(
            f"That shift would start in the past ({starts_at.astimezone(zone):%a %d %b %H:%M %Z}"
            f"); it is now {now.astimezone(zone):%a %d %b %H:%M %Z}")


def _check_fields(session: Session, site_id: int | None, focus: str, places: int) -> None:
    if focus not in FOCUSES:
        raise ValidationError(f"Focus must be one of {', '.join(FOCUSES)}")
    if not 1 <= places <= 50:
        raise ValidationError("A shift needs between 1 and 50 people")
    if site_id is not None:
        lookup.by_id(session, Site, site_id, "site")


def _require_coordinator(user: User) -> None:
    if not user.has_role("coordinator"):
        raise PermissionDenied("Only coordinators can plan and assign shifts")


# Creating -------------------------------------------------------------------

def create_shifts(session: Session, *, by: User, site_id: int | None, start_local: datetime,
                  end_local: datetime, zone: ZoneInfo, focus: str = "any", places: int = 1,
                  note: str | None = None, repeat: str | None = None,
                  count: int | None = None, until: date | None = None,
                  overnight: bool = False, assignee_ids: Sequence[int] = (),
                  now: datetime) -> ShiftChange:
    """Create one shift, or a series sharing a series_id, optionally assigning people.

    ``start_local``/``end_local`` are naive wall-clock times in ``zone``; the end is on
    the next day only with ``overnight``. Past starts and shifts over MAX_SHIFT_HOURS are
    refused. Repeats keep the wall-clock times on every date. All or nothing: a clash
    for any assignee refuses the lot.
    """
    _require_coordinator(by)
    _check_fields(session, site_id, focus, places)
    check_date("Date", start_local)  # before the "next day" below can overflow
    end_local = _end_of(start_local, end_local, overnight)
    length = end_local - start_local
    dates = occurrence_dates(start_local.date(), repeat, count, until)
    series_id = str(uuid.uuid4()) if len(dates) > 1 or repeat else None
    change = ShiftChange(shifts=[])
    for day in dates:
        local_start = datetime.combine(day, start_local.time())
        starts_at, ends_at = _span(local_start, local_start + length, zone)
        _not_past(starts_at, zone, now)
        shift = Shift(site_id=site_id, starts_at=starts_at, ends_at=ends_at, focus=focus,
                      places=places, note=(note or "").strip() or None, series_id=series_id,
                      created_by_id=by.id, sequence=0)
        session.add(shift)
        change.shifts.append(shift)
    session.flush()
    for shift in change.shifts:
        for user_id in dict.fromkeys(assignee_ids):
            sub = assign(session, by=by, shift_id=shift.id, user_id=user_id, now=now)
            change.notices.extend(sub.notices)
    return change


# Reading --------------------------------------------------------------------

def get_shift(session: Session, shift_id: int, *, lock: bool = False) -> Shift:
    query = select(Shift).where(Shift.id == shift_id).options(
        selectinload(Shift.assignments).selectinload(ShiftAssignment.user),
        selectinload(Shift.site))
    if lock:
        # Serialises claims of the last place on PostgreSQL; SQLite locks the file anyway.
        query = query.with_for_update(of=Shift)
    shift = session.scalar(query)
    if shift is None:
        raise NotFound(f"No shift with id {shift_id}")
    return shift


def shifts_between(session: Session, start: datetime, end: datetime, *,
                   include_cancelled: bool = False) -> list[Shift]:
    """Shifts overlapping [start, end), earliest first, with places and people loaded."""
    query = (select(Shift).where(Shift.starts_at < end, Shift.ends_at > start)
             .options(selectinload(Shift.assignments).selectinload(ShiftAssignment.user),
                      selectinload(Shift.site))
             .order_by(Shift.starts_at, Shift.id))
    if not include_cancelled:
        query = query.where(Shift.cancelled_at.is_(None))
    return list(session.scalars(query))


def my_shifts(session: Session, user: User, now: datetime, recent_days: int = 14) -> MyShifts:
    """The user's places: upcoming/running (cancelled ones flagged) and those of the
    last ``recent_days`` days."""
    rows = session.scalars(
        select(ShiftAssignment).join(Shift)
        .where(ShiftAssignment.user_id == user.id, ShiftAssignment.released_at.is_(None),
               Shift.ends_at > now - timedelta(days=recent_days))
        .options(selectinload(ShiftAssignment.shift).selectinload(Shift.site))
        .order_by(Shift.starts_at)).all()
    upcoming = [a for a in rows if a.shift.ends_at > now]
    recent = [a for a in reversed(rows) if a.shift.ends_at <= now]
    return MyShifts(upcoming=upcoming, recent=recent)


def open_shifts(session: Session, user: User | None, now: datetime,
                days: int = 14) -> list[Shift]:
    """Shifts still needing people in the next ``days`` days that ``user`` is not on."""
    return [s for s in shifts_between(session, now, now + timedelta(days=days))
            if open_count(s) > 0 and (user is None or all(a.user_id != user.id
                                                            for a in active(s)))]


# Holding places -------------------------------------------------------------

def _clash(session: Session, user_id: int, shift: Shift) -> Shift | None:
    return session.scalar(
        select(Shift).join(ShiftAssignment)
        .where(ShiftAssignment.user_id == user_id, ShiftAssignment.released_at.is_(None),
               Shift.cancelled_at.is_(None), Shift.id != shift.id,
               Shift.starts_at < shift.ends_at, Shift.ends_at > shift.starts_at)
        .order_by(Shift.starts_at).limit(1))


def _take_place(session: Session, shift: Shift, user: User, *, by: User,
                now: datetime) -> ShiftAssignment:
    """Give ``user`` a place on ``shift`` (reactivating a dropped one) after the checks
    every path shares: not cancelled, not over, not full, no clash."""
    zone = zone_of(by)
    if shift.cancelled_at is not None:
        raise Conflict(f"That shift was cancelled ({describe(shift, zone)})")
    if shift.ends_at <= now:
        raise Conflict(f"That shift is over ({describe(shift, zone)})")
    existing = next((a for a in shift.assignments if a.user_id == user.id), None)
    if existing is not None and existing.released_at is None:
        raise Conflict(f"{user.display_name} already holds a place on this shift")
    taken = len(active(shift))
    if taken >= shift.places:
        raise Conflict(f"This shift is full ({taken} of {shift.places} places taken)")
    clash = _clash(session, user.id, shift)
    if clash is not None:
        who = "You already hold" if user.id == by.id else f"{user.display_name} already holds"
        raise Conflict(f"{who} an overlapping shift: {describe(clash, zone)}")
    if existing is not None:
        existing.released_at = None
        existing.reminder_sent_at = None
        existing.assigned_by_id = by.id
        existing.sequence += 1
        assignment = existing
    else:
        assignment = ShiftAssignment(shift=shift, user_id=user.id, assigned_by_id=by.id,
                                     created_at=now, sequence=0)
        session.add(assignment)
    session.flush()
    return assignment


def claim(session: Session, *, user: User, shift_id: int, now: datetime) -> ShiftAssignment:
    """A teammate takes an open place for themselves."""
    shift = get_shift(session, shift_id, lock=True)
    return _take_place(session, shift, user, by=user, now=now)


def drop(session: Session, *, user: User, shift_id: int, now: datetime,
         cutoff_hours: float) -> ShiftAssignment:
    """A teammate gives their place back, at least ``cutoff_hours`` before the start."""
    shift = get_shift(session, shift_id, lock=True)
    assignment = next((a for a in active(shift) if a.user_id == user.id), None)
    if assignment is None:
        raise NotFound("You do not hold a place on that shift")
    if shift.starts_at - now < timedelta(hours=cutoff_hours):
        raise Conflict(f"Too close to the start to drop: places can be dropped up to "
                       f"{cutoff_hours:g} hours before a shift begins "
                       f"({describe(shift, zone_of(user))}). Ask a coordinator to "
                       "reassign it.")
    _release(assignment, now)
    session.flush()
    return assignment


def _release(assignment: ShiftAssignment, now: datetime) -> None:
    assignment.released_at = now
    assignment.sequence += 1


def assign(session: Session, *, by: User, shift_id: int, user_id: int,
           now: datetime) -> ShiftChange:
    """A coordinator puts a teammate on a shift (no drop cut-off applies to them)."""
    _require_coordinator(by)
    shift = get_shift(session, shift_id, lock=True)
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotFound(f"No active teammate with id {user_id}")
    assignment = _take_place(session, shift, user, by=by, now=now)
    notices = [Notice("assigned", assignment.id)] if user.id != by.id else []
    return ShiftChange(shifts=[shift], notices=notices)


def unassign(session: Session, *, by: User, shift_id: int, user_id: int,
             now: datetime) -> ShiftChange:
    """A coordinator takes a teammate off a shift, however close to its start."""
    _require_coordinator(by)
    shift = get_shift(session, shift_id, lock=True)
    assignment = next((a for a in active(shift) if a.user_id == user_id), None)
    if assignment is None:
        raise NotFound("That teammate holds no place on this shift")
    _release(assignment, now)
    session.flush()
    notices = [Notice("unassigned", assignment.id)] if user_id != by.id else []
    return ShiftChange(shifts=[shift], notices=notices)


# Editing and cancelling -----------------------------------------------------

def _series_targets(session: Session, shift: Shift, scope: str) -> list[Shift]:
    if scope not in ("one", "future"):
        raise ValidationError("Scope must be 'one' or 'future'")
    if scope == "one" or shift.series_id is None:
        return [shift]
    return list(session.scalars(
        select(Shift).where(Shift.series_id == shift.series_id,
                            Shift.starts_at >= shift.starts_at, Shift.cancelled_at.is_(None))
        .options(selectinload(Shift.assignments), selectinload(Shift.site))
        .order_by(Shift.starts_at)))


def update_shifts(session: Session, shift_id: int, *, by: User, scope: str = "one",
                  site_id: int | None, start_local: datetime, end_local: datetime,
                  zone: ZoneInfo, focus: str, places: int, note: str | None,
                  overnight: bool = False, now: datetime) -> ShiftChange:
    """Edit one shift, or it and the later shifts of its series (``scope="future"``).

    For a series the new wall-clock times apply to every shift on its own local date
    (moved by as many days as this shift's date moved), so DST never drifts them.
    """
    _require_coordinator(by)
    _check_fields(session, site_id, focus, places)
    target = get_shift(session, shift_id)
    if target.cancelled_at is not None:
        raise Conflict("A cancelled shift cannot be edited")
    check_date("Date", start_local)  # before the "next day" below can overflow
    end_local = _end_of(start_local, end_local, overnight)
    length = end_local - start_local
    day_shift = start_local.date() - target.starts_at.astimezone(zone).date()
    note = (note or "").strip() or None
    change = ShiftChange(shifts=[])
    for shift in _series_targets(session, target, scope):
        day = shift.starts_at.astimezone(zone).date() + day_shift
        local_start = datetime.combine(day, start_local.time())
        starts_at, ends_at = _span(local_start, local_start + length, zone)
        holders = active(shift)
        if places < len(holders):
            raise Conflict(f"{len(holders)} people hold places on {describe(shift, zone)}; "
                           "unassign someone before lowering the places")
        moved = (starts_at, ends_at) != (shift.starts_at, shift.ends_at)
        if moved and starts_at != shift.starts_at:
            _not_past(starts_at, zone, now)
        changed = moved or (site_id, focus, places, note) != (
            shift.site_id, shift.focus, shift.places, shift.note)
        if not changed:
            continue
        shift.site_id, shift.focus, shift.places, shift.note = site_id, focus, places, note
        shift.starts_at, shift.ends_at = starts_at, ends_at
        _bump(shift, now)
        session.flush()
        session.refresh(shift, ["site"])
        for assignment in holders:
            if moved:
                clash = _clash(session, assignment.user_id, shift)
                if clash is not None:
                    raise Conflict(f"{assignment.user.display_name} would then hold two "
                                   f"overlapping shifts: {describe(clash, zone)}")
                # A new time deserves a new reminder.
                assignment.reminder_sent_at = None
            if assignment.user_id != by.id:
                change.notices.append(Notice("changed", assignment.id))
        change.shifts.append(shift)
    session.flush()
    return change


def cancel_plan(session: Session, shift_id: int, *, by: User, scope: str = "one") -> CancelPlan:
    """The shifts a cancel with ``scope`` would hit and the people holding places on them."""
    _require_coordinator(by)
    target = get_shift(session, shift_id)
    if target.cancelled_at is not None:
        raise Conflict("That shift is already cancelled")
    shifts = _series_targets(session, target, scope)
    people = {a.user_id: a.user for s in shifts for a in active(s)}
    return CancelPlan(shifts, sorted(people.values(), key=lambda u: u.display_name))


def undo_deadline(shift: Shift) -> datetime | None:
    if shift.cancelled_at is None:
        return None
    return shift.cancelled_at + timedelta(minutes=UNDO_MINUTES)


def restore_shifts(session: Session, shift_id: int, *, by: User, now: datetime) -> ShiftChange:
    """Take back a cancel within UNDO_MINUTES: the shift and the shifts of its series that
    the same cancel hit (same ``cancelled_at``) are on again, places as they were."""
    _require_coordinator(by)
    target = get_shift(session, shift_id)
    deadline = undo_deadline(target)
    if deadline is None:
        raise Conflict("That shift is not cancelled")
    if now > deadline:
        raise Conflict(f"Too late to undo: a cancel can be taken back for {UNDO_MINUTES} "
                       "minutes. Plan the shift again instead.")
    shifts = [target]
    if target.series_id is not None:
        shifts = list(session.scalars(
            select(Shift).where(Shift.series_id == target.series_id,
                                Shift.cancelled_at == target.cancelled_at)
            .options(selectinload(Shift.assignments), selectinload(Shift.site))
            .order_by(Shift.starts_at)))
    change = ShiftChange(shifts=shifts)
    for shift in shifts:
        _set_cancelled(change, shift, None, "restored", by=by, now=now)
    session.flush()
    return change


def claim_series(session: Session, *, user: User, shift_id: int,
                 now: datetime) -> SeriesClaim:
    """A teammate takes a place on this shift and every later one of its series in one
    step. Shifts that are full or clash with one they hold are skipped and reported, so
    one busy evening does not stop them taking the rest."""
    first = get_shift(session, shift_id)
    if first.series_id is None:
        return SeriesClaim([claim(session, user=user, shift_id=shift_id, now=now).shift], [])
    ids = session.scalars(
        select(Shift.id).where(Shift.series_id == first.series_id,
                               Shift.starts_at >= first.starts_at, Shift.ends_at > now,
                               Shift.cancelled_at.is_(None))
        .order_by(Shift.starts_at)).all()
    claimed, skipped = [], []
    for other_id in ids:
        shift = get_shift(session, other_id, lock=True)
        if any(a.user_id == user.id for a in active(shift)):
            continue
        try:
            claimed.append(_take_place(session, shift, user, by=user, now=now).shift)
        except Conflict as err:
            skipped.append((shift, err.message))
    if not claimed and not skipped:
        raise Conflict("You already hold a place on every later shift of that series")
    return SeriesClaim(claimed, skipped)


def cancel_shifts(session: Session, shift_id: int, *, by: User, scope: str = "one",
                  now: datetime) -> ShiftChange:
    """Cancel one shift, or it and the later shifts of its series. Places are kept so
    calendars show the events as cancelled."""
    _require_coordinator(by)
    target = get_shift(session, shift_id)
    if target.cancelled_at is not None:
        raise Conflict("That shift is already cancelled")
    change = ShiftChange(shifts=[])
    for shift in _series_targets(session, target, scope):
        _set_cancelled(change, shift, now, "cancelled", by=by, now=now)
        change.shifts.append(shift)
    session.flush()
    return change


def planning_choices(session: Session) -> tuple[list[Site], list[User]]:
    """The sites a shift can be for and the active teammates who can be assigned."""
    sites = list(session.scalars(select(Site).where(Site.enabled.is_(True)).order_by(Site.name)))
    people = list(session.scalars(select(User).where(User.active.is_(True))
                                  .order_by(User.display_name)))
    return sites, people
