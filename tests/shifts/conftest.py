"""Shared set-up for the shift tests: a coordinator in Los Angeles and a planning helper."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.shifts import service as svc
from tests.factories import T0

LA = ZoneInfo("America/Los_Angeles")
BERLIN = ZoneInfo("Europe/Berlin")
NOW = T0  # Tue 17 Nov 2026, 08:00 in Los Angeles


@pytest.fixture
def coordinator(make_user):
    return make_user(role="coordinator", display_name="Cora Coordinator",
                     timezone="America/Los_Angeles")


@pytest.fixture
def plan(db_session, coordinator):
    """Create shifts as the coordinator: plan(start="2026-11-17 18:00", end="21:00", ...)."""

    def _plan(start="2026-11-17 18:00", end="21:00", site=None, now=NOW, **kw):
        start_local = datetime.fromisoformat(start)
        end_local = datetime.combine(start_local.date(), datetime.strptime(end, "%H:%M").time())
        change = svc.create_shifts(db_session, by=kw.pop("by", coordinator),
                                   site_id=site.id if site else None, start_local=start_local,
                                   end_local=end_local, zone=kw.pop("zone", LA), now=now, **kw)
        return change.shifts if len(change.shifts) > 1 else change.shifts[0]

    return _plan
