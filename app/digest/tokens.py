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
