"""Signed unsubscribe links: they work without logging in, so the token is the proof."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

# A salt of its own: a session cookie or another signed value can never pass as this token.
_SALT = "diaryboost.digest.unsubscribe"


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def make_token(secret_key: str, user_id: int, generation: int = 0) -> str:
    # Generation 0 is left out, so links mailed before generations existed stay valid.
    data = {"u": int(user_id), "g": int(generation)} if generation else {"u": int(user_id)}
    return _serializer(secret_key).dumps(data)


def read_token(secret_key: str, token: str) -> tuple[int, int] | None:
    """(user id, generation) a token was made for, or None when it was not made by us."""
    try:
        data = _serializer(secret_key).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, generation = data.get("u"), data.get("g", 0)
    if not isinstance(user_id, int) or not isinstance(generation, int):
        return None
    return user_id, generation


def unsubscribe_url(base_url: str, secret_key: str, user_id: int, generation: int = 0) -> str:
    return f"{base_url}/digest/unsubscribe/{make_token(secret_key, user_id, generation)}"


def user_for_token(session, secret_key: str, token: str):
    """The User an unsubscribe token names; NotFound for a forged or reset link."""
    from app.errors import NotFound
    from models import User

    found = read_token(secret_key, token)
    user = session.get(User, found[0]) if found and abs(found[0]) < 2**63 else None
    if user is None or user.unsubscribe_generation != found[1]:
        raise NotFound("This unsubscribe link is not valid. You can turn the digest off "
                       "on your profile page instead.")
    return user


def reset_links(session, user) -> None:
    """Every unsubscribe link made so far for ``user`` stops working. Flushes."""
    user.unsubscribe_generation += 1
    session.flush()


def unsubscribe(session, secret_key: str, token: str):
    """Turn the weekly digest off for the token's user. Idempotent; flushes."""
    user = user_for_token(session, secret_key, token)
    user.digest_opt_in = False
    session.flush()
    return user
