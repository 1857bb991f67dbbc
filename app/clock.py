"""The app's one clock: ``now()``, the current time as an aware UTC datetime.

Services take ``now`` as a parameter; the edges (views, jobs, the scheduler, the CLI)
read it here, and whatever runs on a schedule takes the clock as a parameter defaulting
to this one, so a test passes its own. The wall-clock read itself is
``models.base.utcnow`` (models and scrapers cannot import app/). A web test pins the
clock of one app (``pin``), so it never has to sleep; the web factory tells this module
how to find that pin (``read_pins_with``), so nothing here imports Flask.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from models.base import utcnow


def _no_pin() -> datetime | None:
    return None


_pinned: Callable[[], datetime | None] = _no_pin


def now() -> datetime:
    pinned = _pinned()
    return pinned if pinned is not None else utcnow()


def read_pins_with(reader: Callable[[], datetime | None]) -> None:
    """Called by the web factory: ``reader`` returns the current app's pinned time, if any."""
    global _pinned
    _pinned = reader


def pin(when: datetime | None) -> None:
    """Tests: pin the current web app's clock to ``when`` (None lets it run again)."""
    from flask import current_app

    current_app.extensions[PIN_KEY] = when


PIN_KEY = "diaryboost.clock"
