"""Work that changes only when the board's inputs change, done once per change.

Boost today's plan (``app.ranking.plan_board`` over every live diary's counts, the rec
lists, who is online and the team's log) costs a few hundred milliseconds with thousands
of live diaries; a page view must not pay it. ``BoardCache.get`` keys what it keeps by the
board's version (models/board_version.py: a token replaced in the same transaction as any
write the plan reads), so a request checks the version with one small query and, while
nothing changed, reuses what was computed. Time moves the plan too (ages, the hourly
budgets, a teammate going away), so an entry is also remade after ``MAX_AGE``.

Entries live in each process (the last few, unpickled once) and, with REDIS_URL, in Redis
as well, so the web workers compute each version once between them: one computes under a
short Redis lock, the others wait for its result. Redis entries are signed with the app's
secret (they are unpickled). An entry is never served for a version other than its own:
after a bump the next request computes again. A transaction that wrote board data and has
not committed computes its plan without sharing it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from models import board_version

log = logging.getLogger(__name__)

MAX_AGE = timedelta(seconds=60)
LOCAL_ENTRIES = 8
LOCK_SECONDS = 30  # longer than any plan takes; a crashed holder's lock expires
WAIT_STEP = 0.02


@dataclass(frozen=True)
class _Entry:
    computed_at: datetime
    value: Any

    def fresh(self, now: datetime) -> bool:
        return self.computed_at <= now < self.computed_at + MAX_AGE


class _RedisStore:
    """Signed pickles in Redis under one prefix; SET NX locks."""

    PREFIX = "diaryboost:board:"

    def __init__(self, url: str, secret: str):
        import redis

        self._redis = redis.Redis.from_url(url)
        self._key = hashlib.sha256(b"board-cache:" + secret.encode()).digest()

    def get(self, key: str) -> _Entry | None:
        blob = self._redis.get(self.PREFIX + key)
        if blob is None or len(blob) < 32:
            return None
        mac, data = blob[:32], blob[32:]
        if not hmac.compare_digest(mac, hmac.new(self._key, data, hashlib.sha256).digest()):
            log.warning("board cache: entry %s has a bad signature; ignored", key)
            return None
        return pickle.loads(data)  # noqa: S301 - signed by this app's secret above

    def put(self, key: str, entry: _Entry) -> None:
        data = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        mac = hmac.new(self._key, data, hashlib.sha256).digest()
        self._redis.set(self.PREFIX + key, mac + data,
                        ex=int(MAX_AGE.total_seconds()) + LOCK_SECONDS)

    def lock(self, key: str) -> bool:
        return bool(self._redis.set(self.PREFIX + "lock:" + key, b"1", nx=True,
                                    ex=LOCK_SECONDS))

    def unlock(self, key: str) -> None:
        self._redis.delete(self.PREFIX + "lock:" + key)


class BoardCache:
    """Values computed from the board's inputs, reused until the board version changes."""

    def __init__(self) -> None:
        self._local: OrderedDict[str, _Entry] = OrderedDict()
        self._guard = threading.Lock()
        self._locks = [threading.Lock() for _ in range(16)]
        self._shared: _RedisStore | None = None
        self.computed = 0  # how many values this process computed (bench and tests)

    def configure(self, redis_url: str | None, secret: str) -> None:
        """Share entries through Redis (``redis_url``), or keep them in this process."""
        self._shared = _RedisStore(redis_url, secret) if redis_url else None
        self.clear()

    def init_app(self, app) -> None:
        config = app.extensions["diaryboost.config"]
        self.configure(config.REDIS_URL, config.SECRET_KEY)

    def clear(self) -> None:
        with self._guard:
            self._local.clear()

    def get(self, session: Session, key: tuple, now: datetime, compute: Callable[[], Any]):
        """``compute()``'s value for ``key`` at the board's current version, computed at
        most once per version (and per ``MAX_AGE``) across the processes sharing Redis."""
        version = board_version.current(session)
        if version is None or board_version.pending(session):
            return self._compute(compute)
        full = f"{version}:{key!r}"
        entry = self._local_get(full, now)
        if entry is not None:
            return entry.value
        with self._locks[hash(full) % len(self._locks)]:
            entry = self._local_get(full, now) or self._shared_get(full, now)
            if entry is None:
                entry = self._make(full, now, compute)
            self._local_put(full, entry)
            return entry.value

    def _compute(self, compute):
        self.computed += 1
        return compute()

    def _make(self, full: str, now: datetime, compute) -> _Entry:
        shared = self._shared
        if shared is None:
            return _Entry(now, self._compute(compute))
        deadline = time.monotonic() + LOCK_SECONDS
        while not shared.lock(full):
            # Another worker computes this version: wait for its result.
            if time.monotonic() > deadline:
                return _Entry(now, self._compute(compute))
            time.sleep(WAIT_STEP)
            entry = self._shared_get(full, now)
            if entry is not None:
                return entry
        try:
            entry = self._shared_get(full, now)  # made while we took the lock
            if entry is None:
                entry = _Entry(now, self._compute(compute))
                shared.put(full, entry)
            return entry
        finally:
            shared.unlock(full)

    def _shared_get(self, full: str, now: datetime) -> _Entry | None:
        if self._shared is None:
            return None
        entry = self._shared.get(full)
        return entry if entry is not None and entry.fresh(now) else None

    def _local_get(self, full: str, now: datetime) -> _Entry | None:
        with self._guard:
            entry = self._local.get(full)
            if entry is None:
                return None
            if not entry.fresh(now):
                del self._local[full]
                return None
            self._local.move_to_end(full)
            return entry

    def _local_put(self, full: str, entry: _Entry) -> None:
        with self._guard:
            self._local[full] = entry
            self._local.move_to_end(full)
            while len(self._local) > LOCAL_ENTRIES:
                self._local.popitem(last=False)


cache = BoardCache()
