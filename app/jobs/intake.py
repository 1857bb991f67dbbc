"""Intake jobs: poll the feeds that are due; observe young diaries' counts and rec lists.

Thin on purpose: select what is due, call the use case, log counts. The scheduler's
lease makes sure only one process per database runs them.
"""

from __future__ import annotations

import logging
from collections import Counter

from app.alerts import service as alerts
from app.jobs.registry import JobContext
from app.sources.counts import refresh_due_counts
from app.sources.polling import poll_feeds
from app.sources.site_aging import learn_aging
from scrapers.poll import due_feeds

log = logging.getLogger("diaryboost.jobs")
# How often the scheduler looks for due feeds; each feed's own interval is on its row.
POLL_CHECK_SECONDS = 60


def poll_due_feeds(context: JobContext) -> Counter:
    """Poll every enabled feed whose next_poll_at has come, POLL_WORKERS at a time."""
    with context.sessions() as session:
        ids = due_feeds(session, context.now())
    if not ids:
        return Counter()
    outcomes = poll_feeds(context.config, context.sessions, ids, context.now)
    counts = Counter(o.outcome for o in outcomes)
    log.info("polled %d due feeds: %s, %d new diaries", len(outcomes), dict(counts),
             sum(o.new_count for o in outcomes), extra={"feeds": len(outcomes)})
    call_for_help(context)
    return counts


def refresh_diary_counts(context: JobContext) -> int:
    """Observe the counts of young diaries due for it, then the sites' rec lists."""
    done = refresh_due_counts(context.config, context.sessions, context.now())
    log.info("observed counts of %d/%d diaries, read %d rec lists", done.observed, done.due,
             done.rec_lists, extra={"diaries": done.observed})
    # Every round, even one that read nothing: who is online changes the calls too.
    call_for_help(context)
    return done.observed


def call_for_help(context: JobContext) -> None:
    """Alert the team about diaries it could lift but those online cannot. Its own unit of
    work after the round: a failure here is logged and never undoes or stops the poll."""
    try:
        done = alerts.run(context.sessions, context.now(), context.config)
    except Exception:
        log.exception("calls for help failed this round")
        return
    if done.started or done.ended or done.emails or done.webhooks or done.failed:
        log.info("calls for help: %d pushes started, %d ended, %d emails, %d chat posts, "
                 "%d failed", done.started, done.ended, done.emails, done.webhooks,
                 done.failed)


LEARN_AGING_SECONDS = 3600


def learn_site_aging(context: JobContext) -> int:
    """Learn each site's aging from the rec lists read in the last days (the board uses
    it where learned, the configured curve elsewhere)."""
    learned = learn_aging(context.sessions, context.now())
    log.info("aging learned for %d sites", learned, extra={"sites": learned})
    return learned
