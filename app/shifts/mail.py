"""Shift emails: the reminder before a shift, and notices when a coordinator assigns,
changes or cancels someone's shift.

Mails are built while the data is loaded and sent only after the commit. The reminder
job claims each send in the database first (a committed UPDATE ... WHERE
reminder_sent_at IS NULL), so two schedulers or a restart never remind twice; a failed
send gives the claim back so a later run retries.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker

from app.mail import Mail, send, templates
from app.shifts.service import FOCUS_LABELS, Notice, describe, site_label
from config import Config
from models import Shift, ShiftAssignment
from models.db import unit_of_work

log = logging.getLogger("diaryboost.shifts")

# The longest reminder lead a user can choose (Config allows up to a day).
MAX_LEAD = timedelta(hours=24)

NOTICE_WORDING = {
    "assigned": ("A coordinator put you on {n}:", "Thank you! You can add these to your "
                 "calendar from your shifts page."),
    "changed": ("A coordinator changed {n} you hold. The new details:", "If the new time "
                "does not suit you, tell a coordinator."),
    "cancelled": ("A coordinator cancelled {n} you held:", "Nothing to do: enjoy the time off."),
    "unassigned": ("A coordinator took you off {n}:", "Thanks anyway! Open shifts you can "
                   "claim are on your shifts page."),
    "restored": ("A coordinator took back the cancellation of {n} you hold:", "It is on "
                 "again, with you on it, as before."),
}
SUBJECTS = {
    "assigned": "You're on {what}",
    "changed": "Changed: {what}",
    "cancelled": "Cancelled: {what}",
    "unassigned": "You're off {what}",
    "restored": "Back on: {what}",
}


@dataclass(frozen=True)
class _Item:
    when: str
    site: str
    focus: str
    note: str | None


def _zone(user, config: Config) -> ZoneInfo:
    return ZoneInfo(user.timezone or config.TIMEZONE)


def _render(name: str, **context) -> tuple[str, str]:
    return (templates().get_template(f"mail/{name}.txt").render(**context),
            templates().get_template(f"mail/{name}.html").render(**context))


def _links(config: Config) -> dict:
    return {"shifts_url": f"{config.BASE_URL}/shifts/", "boost_url": f"{config.BASE_URL}/boost/"}


def notice_mails(session: Session, config: Config, notices: Sequence[Notice]) -> list[Mail]:
    """One mail per person and kind of change (assigning a 20-shift series is one mail)."""
    grouped: dict[tuple[int, str], list[ShiftAssignment]] = defaultdict(list)
    for notice in notices:
        assignment = session.get(ShiftAssignment, notice.assignment_id)
        if assignment is not None and assignment.user.active:
            grouped[(assignment.user_id, notice.kind)].append(assignment)
    mails = []
    for (_, kind), assignments in grouped.items():
        user = assignments[0].user
        zone = _zone(user, config)
        shifts = sorted((a.shift for a in assignments), key=lambda s: s.starts_at)
        items = [_Item(describe(s, zone).split(", ", 1)[1], site_label(s),
                       FOCUS_LABELS[s.focus], s.note) for s in shifts]
        what = (f"{len(shifts)} shifts" if len(shifts) > 1
                else f"a shift: {describe(shifts[0], zone)}")
        intro, outro = NOTICE_WORDING[kind]
        text, html = _render("shift_notice", user=user, kind=kind, items=items,
                             intro=intro.format(n=what if len(shifts) > 1 else "a shift"),
                             outro=outro, **_links(config))
        mails.append(Mail(to=user.email, subject=SUBJECTS[kind].format(what=what),
                          text=text, html=html))
    return mails


def send_mails(config: Config, mails: Sequence[Mail]) -> int:
    """Send best-effort notices after a commit; failures are logged, not raised."""
    sent = 0
    for mail, error in send(config, mails):
        if error is None:
            sent += 1
        else:
            log.warning("shift notice not sent", extra={"to": mail.to, "error": str(error)})
    return sent


def reminder_mail(config: Config, assignment: ShiftAssignment) -> Mail:
    user, shift = assignment.user, assignment.shift
    zone = _zone(user, config)
    starts = shift.starts_at.astimezone(zone)
    ends = shift.ends_at.astimezone(zone)
    context = dict(user=user, site=site_label(shift), focus=FOCUS_LABELS[shift.focus],
                   note=shift.note, starts=starts.strftime("%a %d %b %H:%M %Z"),
                   ends=ends.strftime("%H:%M %Z"), **_links(config))
    text, html = _render("shift_reminder", **context)
    return Mail(to=user.email, subject=f"Your shift on {site_label(shift)} starts at "
                                       f"{starts:%H:%M}", text=text, html=html)


def _due(session: Session, now: datetime, default_minutes: int) -> list[ShiftAssignment]:
    rows = session.scalars(
        select(ShiftAssignment).join(Shift)
        .where(ShiftAssignment.released_at.is_(None),
               ShiftAssignment.reminder_sent_at.is_(None),
               Shift.cancelled_at.is_(None), Shift.starts_at > now,
               Shift.starts_at <= now + MAX_LEAD)
        .options(selectinload(ShiftAssignment.shift).selectinload(Shift.site),
                 selectinload(ShiftAssignment.user))
        .order_by(Shift.starts_at)).all()
    due = []
    for assignment in rows:
        minutes = assignment.user.shift_reminder_minutes
        minutes = default_minutes if minutes is None else minutes
        # 0 minutes means "no reminders".
        if minutes > 0 and assignment.user.active and \
                assignment.shift.starts_at - timedelta(minutes=minutes) <= now:
            due.append(assignment)
    return due


def send_due_reminders(config: Config, sessions: sessionmaker[Session], now: datetime) -> int:
    """Remind everyone whose shift starts within their reminder lead; returns mails sent."""
    with sessions() as session:
        due = [(a.id, reminder_mail(config, a))
               for a in _due(session, now, config.SHIFT_REMINDER_MINUTES)]
    sent = 0
    for assignment_id, mail in due:
        with unit_of_work(sessions) as session:
            claimed = session.execute(
                update(ShiftAssignment)
                .where(ShiftAssignment.id == assignment_id,
                       ShiftAssignment.reminder_sent_at.is_(None),
                       ShiftAssignment.released_at.is_(None))
                .values(reminder_sent_at=now)
                .execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            continue  # another run got there first
        [(_, error)] = send(config, [mail])
        if error is None:
            sent += 1
            log.info("shift reminder sent", extra={"assignment_id": assignment_id})
            continue
        log.warning("shift reminder failed, will retry",
                    extra={"assignment_id": assignment_id, "error": str(error)})
        with unit_of_work(sessions) as session:
            session.execute(update(ShiftAssignment)
                            .where(ShiftAssignment.id == assignment_id,
                                   ShiftAssignment.reminder_sent_at == now)
                            .values(reminder_sent_at=None)
                            .execution_options(synchronize_session=False))
    return sent
