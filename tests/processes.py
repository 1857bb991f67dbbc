"""Looking at live processes from a test (Linux /proc): who a process started, who is alive."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path


def children(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (read from /proc)."""
    found: set[int] = set()
    tasks = Path(f"/proc/{pid}/task")
    if not tasks.exists():
        return found
    for task in tasks.iterdir():
        try:
            direct = {int(p) for p in (task / "children").read_text().split()}
        except OSError:
            continue
        for child in direct:
            found |= {child, *children(child)}
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def survivors(pids, timeout: float = 5.0) -> list[int]:
    """Those of ``pids`` still alive after waiting up to ``timeout`` seconds for them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


def kill_and_orphans(proc) -> list[int]:
    """SIGKILL ``proc`` (a Popen) and return its descendants that outlive it by 5 s."""
    descendants = children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    return survivors(descendants)
