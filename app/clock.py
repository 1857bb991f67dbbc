"""The app's notion of "now".

Services take ``now`` as a parameter; the edges (views, jobs, CLI) get it here. In
test mode (TEST_CLOCK) a browser test can pin the clock, so it never has to sleep.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, has_app_context


def now() -> datetime:
    if has_app_context():
        pinned = current_app.extensions.get("diaryboost.clock")
        if pinned is not None:
            return pinned
    return datetime.now(UTC)


def pin(when: datetime | None) -> None:
    current_app.extensions["diaryboost.clock"] = when
