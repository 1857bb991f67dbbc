"""Failed-login throttling that slows guessing down without locking anyone out.

Two counters, both of *verified* failures only (an attempt refused for waiting is not
counted, so waiting always helps):

- per (account, client address): after a few failures the next try must wait, the wait
  doubling with each further failure. Only that client is slowed; the owner logging in
  from anywhere else is not.
- per account, over every address: guessing spread over many addresses slows the account
  down for new clients, but a client holding a "known device" cookie (set at a successful
  login for that account) is not slowed, so such an attack cannot shut the owner out.

The deciding functions are pure; the counters live in a small store, in memory (one web
worker) or Redis (REDIS_URL, several workers count together).
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from typing import Protocol

# Per client: failures before waits start, first wait, longest wait.
CLIENT_FREE_FAILURES = 4
CLIENT_FIRST_WAIT = 30.0
CLIENT_MAX_WAIT = 15 * 60.0
# Per account: many more failures, and a wait that stays short for an owner on a new device.
ACCOUNT_FREE_FAILURES = 20
ACCOUNT_FIRST_WAIT = 2.0
ACCOUNT_MAX_WAIT = 60.0
# Quiet time after which a counter is forgotten.
CLIENT_FORGET_AFTER = 24 * 3600
ACCOUNT_FORGET_AFTER = 3600


@dataclass(frozen=True)
class Failures:
    count: int
    last_at: float  # epoch seconds of the latest failure


def _growing_wait(failures: Failures | None, free: int, first: float, longest: float,
                  now: float) -> float:
    if failures is None or failures.count <= free:
        return 0.0
    wait = min(longest, first * 2 ** (failures.count - free - 1))
    return max(0.0, failures.last_at + wait - now)


def wait_seconds(client: Failures | None, account: Failures | None, *, known_device: bool,
                 now: float) -> float:
    """How long this client must wait before its next attempt for this account (0: go)."""
    waits = [_growing_wait(client, CLIENT_FREE_FAILURES, CLIENT_FIRST_WAIT, CLIENT_MAX_WAIT,
                           now)]
    if not known_device:
        waits.append(_growing_wait(account, ACCOUNT_FREE_FAILURES, ACCOUNT_FIRST_WAIT,
                                   ACCOUNT_MAX_WAIT, now))
    return max(waits)


def account_key(email: str) -> str:
    # Hashed so neither Redis nor a memory dump lists who was attacked.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


class FailureStore(Protocol):
    def get(self, key: str) -> Failures | None: ...
    def add(self, key: str, now: float, forget_after: int) -> None: ...
    def clear(self, key: str) -> None: ...


class MemoryStore:
    """Counters for one process; `run.py web` refuses several workers without Redis."""

    MAX_KEYS = 100_000

    def __init__(self) -> None:
        self._items: dict[str, tuple[Failures, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Failures | None:
        with self._lock:
            item = self._items.get(key)
        if item is None or item[1] < time.time():
            return None
        return item[0]

    def add(self, key: str, now: float, forget_after: int) -> None:
        with self._lock:
            if len(self._items) >= self.MAX_KEYS:
                self._prune()
            old = self._items.get(key)
            count = old[0].count + 1 if old and old[1] >= time.time() else 1
            self._items[key] = (Failures(count, now), time.time() + forget_after)

    def clear(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)

    def _prune(self) -> None:
        # Expired first; if a flood of distinct keys remains, the oldest half goes.
        wall = time.time()
        self._items = {k: v for k, v in self._items.items() if v[1] >= wall}
        if len(self._items) >= self.MAX_KEYS:
            keep = sorted(self._items.items(), key=lambda kv: kv[1][1])[len(self._items) // 2:]
            self._items = dict(keep)


class RedisStore:
    """Counters shared by every web worker through Redis."""

    PREFIX = "diaryboost:login:"

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)

    def get(self, key: str) -> Failures | None:
        data = self._redis.hgetall(self.PREFIX + key)
        if not data or b"n" not in data:
            return None
        return Failures(int(data[b"n"]), float(data.get(b"at", b"0")))

    def add(self, key: str, now: float, forget_after: int) -> None:
        name = self.PREFIX + key
        with self._redis.pipeline() as pipe:
            pipe.hincrby(name, "n", 1)
            pipe.hset(name, "at", repr(now))
            pipe.expire(name, forget_after)
            pipe.execute()

    def clear(self, key: str) -> None:
        self._redis.delete(self.PREFIX + key)


def make_store(redis_url: str | None) -> FailureStore:
    return RedisStore(redis_url) if redis_url else MemoryStore()


class LoginThrottle:
    """The two counters for one store; the login view asks, then reports the outcome."""

    def __init__(self, store: FailureStore) -> None:
        self.store = store

    @staticmethod
    def _keys(email: str, client: str) -> tuple[str, str]:
        account = account_key(email)
        return f"client:{account}:{client}", f"account:{account}"

    def wait(self, email: str, client: str, now: float, *, known_device: bool) -> float:
        client_key, acct_key = self._keys(email, client)
        return wait_seconds(self.store.get(client_key), self.store.get(acct_key),
                            known_device=known_device, now=now)

    def failed(self, email: str, client: str, now: float) -> None:
        client_key, acct_key = self._keys(email, client)
        self.store.add(client_key, now, CLIENT_FORGET_AFTER)
        self.store.add(acct_key, now, ACCOUNT_FORGET_AFTER)

    def succeeded(self, email: str, client: str) -> None:
        # The account counter stays: a success proves nothing about the other addresses.
        self.store.clear(self._keys(email, client)[0])


# Known devices ----------------------------------------------------------------------

KNOWN_DEVICE_COOKIE = "diaryboost_device"
KNOWN_DEVICE_DAYS = 60
_KNOWN_DEVICE_SALT = "diaryboost.known-device"
_KNOWN_DEVICE_ACCOUNTS = 5  # a shared family computer may know a few accounts


def _device_serializer(secret_key: str):
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(secret_key, salt=_KNOWN_DEVICE_SALT)


def known_accounts(secret_key: str, cookie: str | None) -> list[str]:
    """The accounts (hashed) this client logged in to within KNOWN_DEVICE_DAYS."""
    from itsdangerous import BadSignature

    if not cookie:
        return []
    try:
        data = _device_serializer(secret_key).loads(cookie,
                                                    max_age=KNOWN_DEVICE_DAYS * 86400)
    except BadSignature:
        return []
    return [a for a in data if isinstance(a, str)] if isinstance(data, list) else []


def remember_device(secret_key: str, cookie: str | None, email: str) -> str:
    """A new cookie value that adds ``email``'s account to this device's accounts."""
    account = account_key(email)
    accounts = [a for a in known_accounts(secret_key, cookie) if a != account]
    accounts = [account, *accounts][:_KNOWN_DEVICE_ACCOUNTS]
    return _device_serializer(secret_key).dumps(accounts)
