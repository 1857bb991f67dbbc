"""Team members: create, authenticate, change role, deactivate, tokens."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import lookup
from app.accounts.tokens import burn_verify, hash_password, new_token, token_digest, verify_password
from app.errors import Conflict, NotFound, ValidationError
from app.validation import one_line
from app.zones import zone_named
from models import ROLES, User

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise ValidationError(f"{email!r} is not a valid email address")
    return email


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationError(f"Password must be at least {MIN_PASSWORD} characters long")


def check_timezone(name: str) -> str:
    if zone_named(name) is None:
        shown = name if len(name) <= 60 else name[:60] + "…"
        raise ValidationError(f"Unknown time zone {shown!r}; use a name such as "
                              "America/Los_Angeles")
    return name


def create_user(session: Session, *, email: str, password: str, display_name: str = "",
                role: str = "blogger", timezone: str = "America/Los_Angeles") -> User:
    email = normalise_email(email)
    if role not in ROLES:
        raise ValidationError(f"Role must be one of {', '.join(ROLES)}")
    check_password_strength(password)
    check_timezone(timezone)
    if session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(f"A user with email {email} already exists")
    user = User(email=email, display_name=one_line(display_name or email.split("@")[0])[:100],
                password_hash=hash_password(password), role=role, timezone=timezone)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str, now: datetime) -> User | None:
    user = session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        burn_verify(password or "")
        return None
    if not verify_password(user.password_hash, password or "") or not user.active:
        return None
    user.last_login_at = now
    return user


def get_user(session: Session, user_id: int) -> User:
    return lookup.by_id(session, User, user_id, "user")


def find_user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        raise NotFound(f"No user with email {email}")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role.desc(), User.email)))


def set_role(session: Session, user: User, role: str) -> User:
    if role not in ROLES:
        raise ValidationError(f"Role must be one of {', '.join(ROLES)}")
    if user.role == "admin" and role != "admin":
        _keep_one_admin(session, user)
    user.role = role
    session.flush()
    return user


def set_active(session: Session, user: User, active: bool) -> User:
    if not active and user.role == "admin":
        _keep_one_admin(session, user)
    user.active = active
    if not active:
        end_sessions(session, user)
    session.flush()
    return user


def end_sessions(session: Session, user: User) -> None:
    """Every session logged in as ``user`` so far stops working (they log in again)."""
    user.session_version = (user.session_version or 1) + 1
    session.flush()


def _keep_one_admin(session: Session, leaving: User) -> None:
    others = session.scalar(select(func.count()).select_from(User).where(
        User.role == "admin", User.active.is_(True), User.id != leaving.id))
    if not others:
        raise Conflict("At least one active admin must remain: make someone else an admin "
                       "first, then change this account")


def set_password(session: Session, user: User, password: str) -> None:
    check_password_strength(password)
    user.password_hash = hash_password(password)
    # Whoever knew the old password may be logged in somewhere: end those sessions too.
    end_sessions(session, user)


def issue_api_token(session: Session, user: User) -> str:
    """Create a new API token (shown once) and revoke the previous one."""
    token = new_token()
    user.api_token_hash = token_digest(token)
    session.flush()
    return token


def revoke_api_token(session: Session, user: User) -> None:
    user.api_token_hash = None
    session.flush()


def user_for_api_token(session: Session, token: str) -> User | None:
    if not token:
        return None
    user = session.scalar(select(User).where(User.api_token_hash == token_digest(token)))
    return user if user is not None and user.active else None


def user_for_feed_secret(session: Session, secret: str) -> User | None:
    if not secret:
        return None
    user = session.scalar(select(User).where(User.feed_secret_hash == token_digest(secret)))
    return user if user is not None and user.active else None


def rotate_feed_secret(session: Session, user: User) -> str:
    """A new secret for the personal URLs (returned once, stored hashed); old URLs die."""
    secret = new_token()
    user.feed_secret_hash = token_digest(secret)
    session.flush()
    return secret
