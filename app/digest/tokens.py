"""Signed unsubscribe links: they work without logging in, so the token is the proof."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

# A salt of its own: a session cookie or another signed value can never pass as this token.
_SALT = "diaryboost.digest.unsubscribe"


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def make_token(secret_key: str, user_id: int) -> str:
    return _serializer(secret_key).dumps({"u": int(user_id)})


def read_token(secret_key: str, token: str) -> int | None:
    """The user id a token was made for, or None when it was not made by us."""
    try:
        data = _serializer(secret_key).loads(token)
    except BadSignature:
        return None
    user_id = data.get("u") if isinstance(data, dict) else None
    return user_id if isinstance(user_id, int) else None


def unsubscribe_url(base_url: str, secret_key: str, user_id: int) -> str:
    return f"{base_url}/digest/unsubscribe/{make_token(secret_key, user_id)}"


def user_for_token(session, secret_key: str, token: str):
    """The User an unsubscribe token names; NotFound for a forged or stale link."""
    from app.errors import NotFound
    from models import User

    user_id = read_token(secret_key, token)
    user = session.get(User, user_id) if user_id is not None else None
    if user is None:
        raise NotFound("This unsubscribe link is not valid. You can turn the digest off "
                       "on your profile page instead.")
    return user


def unsubscribe(session, secret_key: str, token: str):
    """Turn the weekly digest off for the token's user. Idempotent; flushes."""
    user = user_for_token(session, secret_key, token)
    user.digest_opt_in = False
    session.flush()
    return user
