"""A teammate's own settings: time zone, digest, reminders, password."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.accounts import users as user_service
from app.accounts.tokens import verify_password
from app.boost.presence import MAX_RECS_PER_HOUR
from app.errors import PermissionDenied, ValidationError
from models import User

MAX_REMINDER_MINUTES = 24 * 60


def update_preferences(session: Session, user: User, *, timezone: str, digest_opt_in: bool,
                       shift_reminder_minutes: str | int,
                       recs_per_hour: str | int | None = None,
                       alert_opt_in: bool | None = None) -> User:
    """Validate and save; raises ValidationError naming the field that is wrong.
    ``recs_per_hour`` (the board's hourly budget for this teammate) and ``alert_opt_in``
    (calls for help by email) are kept when None."""
    zone = user_service.check_timezone((timezone or "").strip())
    try:
        minutes = int(str(shift_reminder_minutes).strip())
    except ValueError:
        raise ValidationError("Shift reminder must be a whole number of minutes") from None
    if not 0 <= minutes <= MAX_REMINDER_MINUTES:
        raise ValidationError(f"Shift reminder must be between 0 (off) and "
                              f"{MAX_REMINDER_MINUTES} minutes")
    budget = user.recs_per_hour if recs_per_hour is None else _budget(recs_per_hour)
    user.timezone = zone
    user.recs_per_hour = budget
    user.digest_opt_in = bool(digest_opt_in)
    user.shift_reminder_minutes = minutes
    if alert_opt_in is not None:
        user.alert_opt_in = bool(alert_opt_in)
    session.flush()
    return user


def _budget(value: str | int) -> int:
    try:
        budget = int(str(value).strip())
    except ValueError:
        raise ValidationError("Recommends an hour must be a whole number") from None
    if not 1 <= budget <= MAX_RECS_PER_HOUR:
        raise ValidationError(f"Recommends an hour must be between 1 and {MAX_RECS_PER_HOUR}")
    return budget


def change_password(session: Session, user: User, *, current: str, new: str,
                    confirm: str) -> None:
    if not verify_password(user.password_hash, current or ""):
        raise PermissionDenied("Your current password is not right.")
    if new != confirm:
        raise ValidationError("The two new passwords differ.")
    user_service.set_password(session, user, new)
