"""One-time links instead of passwords typed for someone else: the first admin's set-up
page, invitations, and "forgot password".

A link is a signed token (itsdangerous, a salt per purpose) carrying the user id, the
moment it was issued and a fingerprint of the user's current password hash. Setting a
password changes the hash, so a link works exactly once without storing anything; the
issue time makes it expire. Time is a parameter (``now``) so tests never wait.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts import users as user_service
from app.accounts.tokens import new_token
from app.errors import NotFound, PermissionDenied, ValidationError
from app.mail import Mail
from models import User

LIFETIMES = {"invite": timedelta(days=7), "reset": timedelta(hours=2)}
HOW_TO_GET_ANOTHER = {
    "invite": "Ask an admin to send a new invitation.",
    "reset": "Ask for a new one with \"Forgot password?\" on the log-in page.",
}


class LinkError(ValidationError):
    """The link cannot be used (forged, expired, used); the message says what to do."""


@dataclass(frozen=True)
class Link:
    user: User
    purpose: str  # invite | reset
    url: str
    expires_at: datetime


def _serializer(secret_key: str, purpose: str) -> URLSafeSerializer:
    if purpose not in LIFETIMES:
        raise NotFound("No such link")
    # A salt per purpose: a reset token can never pass as an invitation, nor as any
    # other signed value (session, unsubscribe link).
    return URLSafeSerializer(secret_key, salt=f"diaryboost.password-link.{purpose}")


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.id}:{user.password_hash}".encode()).hexdigest()[:24]


def make_link(base_url: str, secret_key: str, user: User, purpose: str,
              now: datetime) -> Link:
    """A one-time link for ``user`` to set their password, valid LIFETIMES[purpose]."""
    token = _serializer(secret_key, purpose).dumps(
        {"u": user.id, "f": _fingerprint(user), "t": int(now.timestamp())})
    return Link(user, purpose, f"{base_url.rstrip('/')}/password/{purpose}/{token}",
                now + LIFETIMES[purpose])


def read_link(session: Session, secret_key: str, purpose: str, token: str,
              now: datetime) -> User:
    """The user a link is for, or LinkError saying why it cannot be used."""
    again = HOW_TO_GET_ANOTHER.get(purpose, "")
    try:
        data = _serializer(secret_key, purpose).loads(token)
        user_id, fingerprint, issued = int(data["u"]), str(data["f"]), int(data["t"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise LinkError(f"This link is not valid (it may be cut short). {again}") from None
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise LinkError("This account no longer exists or is deactivated. Ask an admin.")
    issued_at = datetime.fromtimestamp(issued, UTC)
    if now - issued_at > LIFETIMES[purpose]:
        raise LinkError(f"This link expired on {issued_at + LIFETIMES[purpose]:%d %b %Y %H:%M} "
                        f"UTC. {again}")
    if not hmac.compare_digest(fingerprint, _fingerprint(user)):
        raise LinkError(f"This link was already used to set a password. {again}")
    return user


def use_link(session: Session, secret_key: str, purpose: str, token: str, password: str,
             confirm: str, now: datetime) -> User:
    """Set the password the link allows; the link stops working at once. Flushes."""
    user = read_link(session, secret_key, purpose, token, now)
    if password != confirm:
        raise ValidationError("The two passwords differ; type the same one twice.")
    user_service.set_password(session, user, password)
    return user


def invite(session: Session, *, by: User, email: str, display_name: str, role: str,
           timezone: str) -> User:
    """Create the teammate's account with a password nobody knows; they choose their own
    from the invitation link. Flushes; the caller commits, then sends the link."""
    if not by.has_role("admin"):
        raise PermissionDenied("Only admins can invite teammates")
    # Long and random, never shown: the account cannot be logged into until the link is used.
    return user_service.create_user(session, email=email, display_name=display_name,
                                    role=role, timezone=timezone,
                                    password=new_token() + new_token())


def active_user_by_email(session: Session, email: str) -> User | None:
    try:
        email = user_service.normalise_email(email)
    except ValidationError:
        return None
    return session.scalar(select(User).where(User.email == email, User.active.is_(True)))


def link_mail(link: Link, by_name: str | None = None) -> Mail:
    """The invitation or reset email: plain text, the link on its own line."""
    until = f"{link.expires_at:%d %b %Y %H:%M} UTC"
    if link.purpose == "invite":
        subject = "You're invited to diaryboost"
        intro = (f"{by_name or 'An admin'} invited you to diaryboost, where our team finds "
                 "the health-care diaries that need recommends, comments and cross-posts.\n\n"
                 "Choose your password here (the link works once, until "
                 f"{until}):")
    else:
        subject = "Set a new diaryboost password"
        intro = ("Someone (hopefully you) asked to reset your diaryboost password. Choose a "
                 f"new one here (the link works once, until {until}):")
    text = (f"Hello {link.user.display_name},\n\n{intro}\n\n{link.url}\n\n"
            f"Your login is {link.user.email}.\n\nIf you did not expect this email, ignore it.\n")
    return Mail(to=link.user.email, subject=subject, text=text)


# The first admin ----------------------------------------------------------------

_SETUP_CONTEXT = b"diaryboost.first-admin-setup"


def setup_needed(session: Session) -> bool:
    return session.scalar(select(User.id).limit(1)) is None


def setup_token(secret_key: str) -> str:
    """The set-up page's token, derived from SECRET_KEY: every process (serve, web
    workers) prints and accepts the same one, and it is useless once a user exists."""
    return hmac.new(secret_key.encode(), _SETUP_CONTEXT, hashlib.sha256).hexdigest()[:32]


def setup_token_ok(secret_key: str, token: str | None) -> bool:
    # Constant time: the page answers differently for a right token.
    return hmac.compare_digest((token or "").encode(), setup_token(secret_key).encode())


def create_first_admin(session: Session, secret_key: str, *, token: str, email: str,
                       display_name: str, password: str, confirm: str, timezone: str) -> User:
    """The one-time set-up: only while there are no users, only with the console's token."""
    if not setup_needed(session):
        raise NotFound("Set-up is done: this installation already has users. Log in.")
    if not setup_token_ok(secret_key, token):
        raise PermissionDenied("That set-up link is not right: open the exact link printed "
                               "on the console where diaryboost was started.")
    if password != confirm:
        raise ValidationError("The two passwords differ; type the same one twice.")
    return user_service.create_user(session, email=email, display_name=display_name,
                                    password=password, role="admin", timezone=timezone)
