"""diaryboost: the web app (built by :mod:`app.web.factory`), its services, jobs and CLI.

Importing ``app`` imports no Flask: services, jobs, the scheduler and the CLI run
without it; only the web layer (app/web/ and each area's views) needs it.

One package per area (boost, shifts, digest, sources, team, accounts, api), each holding
its services and its views; jobs in app/jobs/. Service functions take a session and
``now``, add and flush, and never commit: the request edge (app/web/db.py) and the jobs'
``unit_of_work`` commit. docs/architecture.md is the map.
"""

from __future__ import annotations


def create_app(config=None, session_factory=None):
    """Build the web app; see :func:`app.web.factory.create_app`."""
    from app.web.factory import create_app as build

    return build(config, session_factory)
