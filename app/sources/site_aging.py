"""A site's aging rule and its rec lists: what the board, the digest and the Sources page
all read a site's settings through.

* ``site_settings(site)`` lives in app/sources/sites.py (the one place a Site becomes
  ranking.SiteSettings): its aging curve is the one learned here where there is one,
  else the configured one.
* ``latest_lists``: each site's latest scraped rec list (a snapshot, in the site's order).
* ``learn_aging``: the use case the hourly job calls — read the last days of lists and
  the counts of the diaries around them, run the pure learner (app.ranking.learn) and
  store the answer on the site row.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from app import ranking
from app.ranking import learn
from app.sources.sites import configured_curve, learned_curve
from app.text import plural
from models import DiaryMetric, RecListEntry, RecListSnapshot, Site
from models.db import unit_of_work
from models.diaries import Diary

log = logging.getLogger(__name__)

# The learner reads this much of the kept snapshots (models.SNAPSHOTS_KEPT_DAYS): a few
# days of lists are plenty, and the counts around them stay a bounded load.
LEARN_DAYS = 3
# A diary is read for counts this long after publication (rec_window_hours, 24 h by
# default) or while on the list: a list's diaries were published within this much before it.
LIST_AGE_HOURS = 30.0
_CHUNK = 500


def aging_notes(session: Session, sites: Iterable[Site]) -> dict[int, str]:
    """One line per site for its Sources card: where its aging comes from."""
    sites = list(sites)
    read = dict(session.execute(
        select(RecListSnapshot.site_id, func.count(RecListSnapshot.id))
        .where(RecListSnapshot.site_id.in_([s.id for s in sites] or [-1]))
        .group_by(RecListSnapshot.site_id)).all())
    notes = {}
    for site in sites:
        learned = learned_curve(site)
        if learned is not None:
            fit = f" (fits {round((site.learned_fit or 0) * 100)} % of list places)"
            notes[site.id] = (f"Aging learned from {plural(site.learned_lists or 0, 'rec list')}: "
                              f"{learned.describe()}{fit}")
            continue
        configured = f"Aging configured: {configured_curve(site).describe()}"
        lists = read.get(site.id, 0)
        if lists:
            notes[site.id] = (f"{configured}; {plural(lists, 'rec list')} read so far, not yet "
                              f"enough to learn it from ({learn.MIN_LISTS} needed)")
        else:
            notes[site.id] = f"{configured}, no rec list read yet"
    return notes


# The latest list ------------------------------------------------------------------------

@dataclass(frozen=True)
class LatestList:
    site_id: int
    taken_at: datetime
    list_size: int  # items the list showed, ours or not
    entries: tuple[tuple[int, int], ...]  # (place on the list, diary id), best first

    @property
    def diary_ids(self) -> tuple[int, ...]:
        return tuple(diary_id for _position, diary_id in self.entries)

    def position(self, diary_id: int) -> int | None:
        return next((p for p, i in self.entries if i == diary_id), None)


def latest_lists(session: Session, site_ids: Sequence[int]) -> dict[int, LatestList]:
    """Each site's latest rec-list snapshot (sites whose list was never read are absent)."""
    if not site_ids:
        return {}
    newest = (select(RecListSnapshot.site_id, func.max(RecListSnapshot.taken_at).label("at"))
              .where(RecListSnapshot.site_id.in_(list(site_ids)))
              .group_by(RecListSnapshot.site_id).subquery())
    snapshots = session.execute(
        select(RecListSnapshot.id, RecListSnapshot.site_id, RecListSnapshot.taken_at,
               RecListSnapshot.list_size)
        .join(newest, (newest.c.site_id == RecListSnapshot.site_id)
              & (newest.c.at == RecListSnapshot.taken_at))
        .order_by(RecListSnapshot.id)).all()
    latest = {s.site_id: s for s in snapshots}  # two at one instant: the later id
    entries: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for snapshot_id, position, diary_id in session.execute(
            select(RecListEntry.snapshot_id, RecListEntry.position, RecListEntry.diary_id)
            .where(RecListEntry.snapshot_id.in_([s.id for s in latest.values()]))
            .order_by(RecListEntry.snapshot_id, RecListEntry.position)):
        entries[snapshot_id].append((position, diary_id))
    return {site_id: LatestList(site_id, s.taken_at, s.list_size, tuple(entries[s.id]))
            for site_id, s in latest.items()}


# Learning -------------------------------------------------------------------------------

def _seen_lists(session: Session, site_id: int, now: datetime) -> list[learn.SeenList]:
    taken = session.execute(
        select(RecListSnapshot.id, RecListSnapshot.taken_at)
        .where(RecListSnapshot.site_id == site_id,
               RecListSnapshot.taken_at >= now - timedelta(days=LEARN_DAYS),
               RecListSnapshot.taken_at <= now)).all()
    # Spread first, so only the chosen snapshots' entries are read.
    at_of = {t.id: t.taken_at for t in taken}
    chosen = learn.spread([learn.SeenList(t.taken_at, (t.id,)) for t in taken])
    ids = [s.diary_ids[0] for s in chosen]
    places: dict[int, list[int]] = defaultdict(list)
    for start in range(0, len(ids), _CHUNK):
        for snapshot_id, diary_id in session.execute(
                select(RecListEntry.snapshot_id, RecListEntry.diary_id)
                .where(RecListEntry.snapshot_id.in_(ids[start:start + _CHUNK]))
                .order_by(RecListEntry.snapshot_id, RecListEntry.position)):
            places[snapshot_id].append(diary_id)
    return [learn.SeenList(at_of[i], tuple(places[i])) for i in ids]


def _histories(session: Session, site_id: int,
               lists: Sequence[learn.SeenList]) -> dict[int, learn.CountHistory]:
    """The counts of every diary of the site that could have been on these lists."""
    start = min(s.at for s in lists) - timedelta(hours=LIST_AGE_HOURS)
    end = max(s.at for s in lists) + timedelta(hours=learn.FRESH_HOURS)
    listed = sorted({i for s in lists for i in s.diary_ids})
    published = dict(session.execute(
        select(Diary.id, Diary.published_at).where(
            Diary.site_id == site_id,
            or_(Diary.published_at.between(start, end),
                Diary.id.in_(listed or [-1])))).all())
    observations: dict[int, list[ranking.Observation]] = defaultdict(list)
    ids = sorted(published)
    for first in range(0, len(ids), _CHUNK):
        for diary_id, at, recs in session.execute(
                select(DiaryMetric.diary_id, DiaryMetric.observed_at, DiaryMetric.recommends)
                .where(DiaryMetric.diary_id.in_(ids[first:first + _CHUNK]),
                       DiaryMetric.observed_at <= end)
                .order_by(DiaryMetric.diary_id, DiaryMetric.observed_at)):
            observations[diary_id].append(ranking.Observation(at, recs, None))
    return {i: learn.CountHistory(published[i], tuple(observations[i])) for i in ids}


def learn_aging(sessions: sessionmaker[Session], now: datetime,
                site_ids: Sequence[int] | None = None) -> int:
    """Learn each enabled site's aging from its rec lists of the last LEARN_DAYS and store
    it on the site row (None where the evidence is too thin: the configured curve then
    applies). One transaction per site; a site that fails is logged and the others carry
    on. Returns how many sites have a learned curve now."""
    with sessions() as session:
        query = select(Site.id, Site.rec_slots).where(Site.enabled.is_(True))
        if site_ids is not None:
            query = query.where(Site.id.in_(list(site_ids)))
        sites = session.execute(query).all()
    learned = 0
    for site_id, slots in sites:
        try:
            with unit_of_work(sessions) as session:
                lists = _seen_lists(session, site_id, now)
                found = learn.learn_aging(lists, _histories(session, site_id, lists), slots) \
                    if lists else None
                session.execute(update(Site).where(Site.id == site_id).values(
                    learned_aging=found.curve.to_json() if found else None,
                    learned_fit=found.fit if found else None,
                    learned_lists=found.lists if found else None,
                    learned_at=now if found else None)
                    .execution_options(synchronize_session=False))
        except Exception:  # noqa: BLE001 - one site's failure must not stop the others
            log.exception("aging of site %s not learned", site_id, extra={"site_id": site_id})
            continue
        if found is not None:
            learned += 1
            log.info("site %s ages as %s (fits %.0f %% of %d lists)", site_id,
                     found.curve.describe(), found.fit * 100, found.lists,
                     extra={"site_id": site_id})
    return learned
