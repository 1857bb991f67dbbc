"""diaryboost: the web app (built by :mod:`app.web.factory`), its services, jobs and CLI.

Importing ``app`` imports no Flask: services, jobs, the scheduler and the CLI run
without it; only the web layer (the factory, views, templating) needs it.
"""

from __future__ import annotations


def create_app(config=None, session_factory=None):
    """Build the web app; see :func:`app.web.factory.create_app`."""
    from app.web.factory import create_app as build

    return build(config, session_factory)
