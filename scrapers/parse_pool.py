"""Feed parsing on every core: parser processes for a poll of many feeds.

feedparser is pure Python and holds the GIL, so on threads alone a big poll keeps one
core busy and leaves the others idle. :class:`ParsePool` hands the pure parse-and-tag
step (:func:`scrapers.decide.parse_and_tag`) to worker processes; fetching, deciding
and storing stay on the poller's threads, so a feed's transaction is unchanged.

Kill safety, because a poller may be killed at any moment (a deploy, the OOM killer, a
SIGKILL test): workers are started with "spawn" (fresh interpreters, so no lock held by
one of the poller's threads is copied into them) and each watches its parent; when the
poller dies, even by SIGKILL, they exit within ``WATCH_INTERVAL`` instead of lingering
with its pipes open. A worker that dies mid-parse is replaced and its feed retried once;
a feed that kills two workers is recorded as an error (retried on the next poll).
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace

from scrapers import decide
from scrapers.decide import Decision, FeedState
from scrapers.types import FetchResult

log = logging.getLogger(__name__)

WATCH_INTERVAL = 0.2  # seconds between a worker's checks that its poller still lives
WORKER_DIED = ("the parser process stopped unexpectedly, twice; the feed is retried "
               "next poll")


def _watch_parent(parent_pid: int) -> None:
    """Worker initializer: exit as soon as the poller that started us is gone."""
    # Ctrl-C in a terminal reaches the whole process group; the poller decides when
    # parsing stops (it shuts the pool down), so workers must not die mid-queue with a
    # KeyboardInterrupt traceback each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(WATCH_INTERVAL)
        os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _parse_in_worker(state: FeedState, result: FetchResult, body_hash: str | None) -> Decision:
    # The poller still has the response: send back only what the parse added.
    return replace(decide.parse_and_tag(state, result, body_hash), result=None)


class ParsePool:
    """``processes`` parser processes, started on first use and reused across polls."""

    def __init__(self, processes: int):
        if processes < 1:
            raise ValueError("a parse pool needs at least one process")
        self.processes = processes
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._unusable = False  # workers cannot start here: parse on the poll threads

    def _current(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    self.processes, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_watch_parent, initargs=(os.getpid(),))
            return self._executor

    def parse_and_tag(self, state: FeedState, result: FetchResult,
                      body_hash: str | None) -> Decision:
        """:func:`scrapers.decide.parse_and_tag` in a worker process. Never raises.

        A worker that dies under a feed (the OOM killer, a crash in a C extension) gets
        the feed one retry on a fresh pool; dying again makes it this feed's error, never
        a parse in the poller itself, which the same crash would take down."""
        died = False
        for _ in range(3):
            if self._unusable:
                break
            executor = self._current()
            try:
                future = executor.submit(_parse_in_worker, state, result, body_hash)
            except BrokenProcessPool:
                self._discard(executor)  # a worker died while idle: start afresh
                continue
            except Exception:  # noqa: BLE001 - workers cannot start (an unguarded __main__)
                self._give_up()
                break
            try:
                return replace(future.result(), result=result)
            except BrokenProcessPool:
                self._discard(executor)
                if died:
                    break
                died = True
                log.warning("a parser process died while parsing feed %s; retrying once",
                            state.id, extra={"feed_id": state.id})
            except Exception:  # noqa: BLE001 - e.g. a value that would not pickle
                log.exception("feed %s could not go to a parser process", state.id,
                              extra={"feed_id": state.id})
                break
        if died:
            log.error("parser processes died twice on feed %s", state.id,
                      extra={"feed_id": state.id})
            return Decision("error", result, message=WORKER_DIED)
        return decide.parse_and_tag(state, result, body_hash)

    def pids(self) -> list[int]:
        """The worker processes' ids (none until the first parse)."""
        with self._lock:
            executor = self._executor
        return sorted(getattr(executor, "_processes", None) or ())

    def _give_up(self) -> None:
        with self._lock:
            first = not self._unusable
            self._unusable = True
        if first:
            log.exception("parser processes cannot start; parsing on the poll threads")

    def _discard(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken:
                self._executor = None
        broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


_SHARED: dict[int, ParsePool] = {}
_SHARED_GUARD = threading.Lock()


def shared_pool(processes: int) -> ParsePool | None:
    """The process-wide pool of that size (None for 0: parse on the poll threads)."""
    if processes <= 0:
        return None
    with _SHARED_GUARD:
        pool = _SHARED.get(processes)
        if pool is None:
            pool = _SHARED[processes] = ParsePool(processes)
        return pool


@atexit.register
def _close_shared() -> None:
    with _SHARED_GUARD:
        pools = list(_SHARED.values())
        _SHARED.clear()
    for pool in pools:
        pool.close()

