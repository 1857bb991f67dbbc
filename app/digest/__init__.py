"""The weekly digest, in three steps: build (data) → render (templates) → send (SMTP).

- ``build_week(session, week, now, config) -> WeekDigest``  (app.digest.build)
- ``render(digest, recipient) -> RenderedDigest``            (app.digest.render)
- ``send_week(config, sessions, week, now) -> SendReport``   (app.digest.send)

The scheduler job (app/digest/job.py), ``run.py digest ...`` and the preview page
(/digest/preview) all go through these.
"""

from app.digest.build import WeekDigest, build_week
from app.digest.render import Recipient, RenderedDigest, recipient_for, render
from app.digest.send import SendReport, run_scheduled, send_due, send_week

__all__ = ["Recipient", "RenderedDigest", "SendReport", "WeekDigest", "build_week",
           "recipient_for", "render", "run_scheduled", "send_due", "send_week"]
