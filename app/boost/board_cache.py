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
short Redis lock. Redis entries are signed with the app's secret (they are unpickled).

While one request computes a new version, the others do not queue behind it: each is
answered from the last value computed for the same key (at most ``MAX_AGE`` old), as a
cache serves a stale page while it revalidates. That value is never stored under the new
version, the request is told (``served_stale``) so its answer carries no validator that
would pin the old state (the live poll's ETag), and once the new value is in, every
request gets it. What is drawn from such a value (a teammate's page) is kept only
``PROVISIONAL_AGE`` and served as stale too. With no earlier value, or in a request that
wrote board data itself, nothing stale is served: the request waits or computes. A
transaction that wrote board data and has not committed computes its plan without
sharing it.
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

from sqlalchemy import event
from sqlalchemy.orm import Session

from models import board_version

log = logging.getLogger(__name__)

MAX_AGE = timedelta(seconds=60)
# How much older than MAX_AGE a value may be to answer while its successor is computed
# (so the minute's remake does not make every request wait either).
STALE_GRACE = timedelta(seconds=30)
LOCAL_ENTRIES = 8
LOCK_SECONDS = 30  # longer than any plan takes; a crashed holder's lock expires
WAIT_STEP = 0.02
_STALE = "diaryboost.board_stale"
# A value drawn from an older one served meanwhile (a page made from the last plan while
# the new plan is computed) is kept this long only: each teammate's page is not drawn
# anew at every request of the computation, nor kept once the new plan is there.
PROVISIONAL_AGE = timedelta(seconds=2)
_DERIVING = "diaryboost.board_deriving"  # a derived cache's value is being computed
_KEEP_SECONDS = int((MAX_AGE + STALE_GRACE).total_seconds()) + LOCK_SECONDS


class _Superseded(Exception):
    """Raised into a derived value's computation when what it reads is being remade."""


@dataclass(frozen=True)
class _Entry:
    computed_at: datetime
    value: Any
    version: str = ""
    provisional: bool = False  # drawn from an older value: short-lived, served as stale

    def fresh(self, now: datetime) -> bool:
        return self.computed_at <= now < self.computed_at + (
            PROVISIONAL_AGE if self.provisional else MAX_AGE)

    def usable_stale(self, now: datetime) -> bool:
        return self.computed_at <= now < self.computed_at + MAX_AGE + STALE_GRACE


class _RedisStore:
    """Signed pickles in Redis under one prefix; SET NX locks."""

    PREFIX = "diaryboost:board:"

    def __init__(self, url: str, secret: str, prefix: str = PREFIX):
        import redis

        self.PREFIX = prefix
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
        self._redis.set(self.PREFIX + key, mac + data, ex=_KEEP_SECONDS)

    def put_latest(self, key: str, full: str) -> None:
        """Remember ``full`` as the newest computed entry of ``key`` (any version)."""
        self._redis.set(self.PREFIX + "latest:" + key, full.encode(), ex=_KEEP_SECONDS)

    def latest(self, key: str) -> _Entry | None:
        full = self._redis.get(self.PREFIX + "latest:" + key)
        return self.get(full.decode()) if full else None

    def locked(self, key: str) -> bool:
        return bool(self._redis.exists(self.PREFIX + "lock:" + key))

    def lock(self, key: str) -> bool:
        return bool(self._redis.set(self.PREFIX + "lock:" + key, b"1", nx=True,
                                    ex=LOCK_SECONDS))

    def unlock(self, key: str) -> None:
        self._redis.delete(self.PREFIX + "lock:" + key)


class BoardCache:
    """Values computed from the board's inputs, reused until the board version changes."""

    def __init__(self, local_entries: int = LOCAL_ENTRIES, derived: bool = False) -> None:
        """``derived``: its values are drawn from other entries (a teammate's page from
        the plan); while the plan is being remade, its own last value is served rather
        than one drawn anew from the last plan, which would come out the same."""
        self._local: OrderedDict[str, _Entry] = OrderedDict()
        self._local_entries = local_entries
        self._derived = derived
        self._latest: dict[str, _Entry] = {}  # by key: the newest entry of any version
        self._guard = threading.Lock()
        # Re-entrant: a value computed under one key may read another (a page, the plan).
        self._locks = [threading.RLock() for _ in range(16)]
        self._shared: _RedisStore | None = None
        self.computed = 0  # how many values this process computed (bench and tests)
        self.stale_served = 0  # answers given from an older version while one computed

    def configure(self, redis_url: str | None, secret: str,
                  prefix: str = _RedisStore.PREFIX) -> None:
        """Share entries through Redis (``redis_url``, keys under ``prefix``), or keep them
        in this process."""
        self._shared = _RedisStore(redis_url, secret, prefix) if redis_url else None
        self.clear()

    def init_app(self, app, prefix: str = _RedisStore.PREFIX) -> None:
        config = app.extensions["diaryboost.config"]
        self.configure(config.REDIS_URL, config.SECRET_KEY, prefix)

    def clear(self) -> None:
        with self._guard:
            self._local.clear()
            self._latest.clear()

    def get(self, session: Session, key: tuple, now: datetime, compute: Callable[[], Any]):
        """``compute()``'s value for ``key`` at the board's current version, computed at
        most once per version (and per ``MAX_AGE``) across the processes sharing Redis.
        While another request computes it, the last value for ``key`` is served instead
        (``served_stale`` then says so for this session's transaction)."""
        version = board_version.current(session)
        if version is None or board_version.pending(session):
            return self._compute(compute)
        name = repr(key)
        full = f"{version}:{name}"
        entry = self._local_get(full, now)
        if entry is not None:
            return self._serve(session, entry)
        lock = self._locks[hash(full) % len(self._locks)]
        if not lock.acquire(blocking=False):
            # Another thread of this process computes it.
            stale = self._stale(name, now)
            if stale is not None:
                return self._serve_stale(session, stale)
            lock.acquire()
        try:
            entry = self._local_get(full, now) or self._shared_get(full, now)
            if entry is None:
                try:
                    entry = self._make(session, full, name, version, now, compute)
                except _Superseded:
                    # What it is drawn from is being remade: our own last value, as is.
                    stale = self._stale(name, now)
                    if stale is not None:
                        return self._serve_stale(session, stale)
                    entry = self._make(session, full, name, version, now, compute,
                                       derive=False)
                if entry.version != version:
                    return self._serve_stale(session, entry)
            self._local_put(full, name, entry)
            return self._serve(session, entry)
        finally:
            lock.release()

    def _compute(self, compute):
        self.computed += 1
        return compute()

    def _serve(self, session: Session, entry: _Entry):
        if entry.provisional:
            return self._serve_stale(session, entry, count=False)
        return entry.value

    def _serve_stale(self, session: Session, entry: _Entry, count: bool = True):
        if session.info.get(_DERIVING):
            raise _Superseded
        if count:
            self.stale_served += 1
        session.info[_STALE] = True
        return entry.value

    def _fresh_value(self, session: Session, version: str, now: datetime, compute) -> _Entry:
        """``compute()`` as an entry of ``version``; in a transaction that was answered
        from an older value (a page drawn from the last plan), a provisional one."""
        value = self._compute(compute)
        return _Entry(now, value, version, provisional=served_stale(session))

    def _make(self, session: Session, full: str, name: str, version: str, now: datetime,
              compute, derive: bool = True) -> _Entry:
        if self._derived and derive:
            session.info[_DERIVING] = True
            try:
                return self._make(session, full, name, version, now, compute, derive=False)
            finally:
                session.info.pop(_DERIVING, None)
        shared = self._shared
        if shared is None:
            return self._fresh_value(session, version, now, compute)
        deadline = time.monotonic() + LOCK_SECONDS
        while not shared.lock(full):
            # Another worker computes this version: answer from the last one meanwhile,
            # or, with none, wait for its result.
            stale = self._stale(name, now)
            if stale is not None:
                return stale
            if time.monotonic() > deadline:
                return self._fresh_value(session, version, now, compute)
            time.sleep(WAIT_STEP)
            entry = self._shared_get(full, now)
            if entry is not None:
                return entry
        try:
            entry = self._shared_get(full, now)  # made while we took the lock
            if entry is None:
                entry = self._fresh_value(session, version, now, compute)
                shared.put(full, entry)
                if not entry.provisional:
                    shared.put_latest(name, full)
            return entry
        finally:
            shared.unlock(full)

    def _stale(self, name: str, now: datetime) -> _Entry | None:
        """The newest value computed for ``name`` under any version, if not too old."""
        with self._guard:
            entry = self._latest.get(name)
        if (entry is None or not entry.usable_stale(now)) and self._shared is not None:
            entry = self._shared.latest(name)
            if entry is not None and entry.usable_stale(now):
                with self._guard:
                    self._latest[name] = entry
        return entry if entry is not None and entry.usable_stale(now) else None

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

    def _local_put(self, full: str, name: str, entry: _Entry) -> None:
        with self._guard:
            self._local[full] = entry
            self._local.move_to_end(full)
            while len(self._local) > self._local_entries:
                self._local.popitem(last=False)
            latest = self._latest.get(name)
            if not entry.provisional and (latest is None
                                          or latest.computed_at <= entry.computed_at):
                self._latest[name] = entry


def served_stale(session: Session) -> bool:
    """True when this transaction was answered from a value of an earlier board version
    (another request was computing the current one)."""
    return bool(session.info.get(_STALE))


@event.listens_for(Session, "after_transaction_end")
def _forget_stale(session: Session, transaction) -> None:
    session.info.pop(_STALE, None)


cache = BoardCache()
# Whole answers (a teammate's Boost today page, their API list) made from the plan: many
# small entries, one per teammate and filter.
views = BoardCache(local_entries=200, derived=True)
