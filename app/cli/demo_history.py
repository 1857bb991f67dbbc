"""Eight weeks of made-up history for `make demo`, so Coverage, Team, Site rhythms and
the digest look on first load as they would after a few weeks of real use.

Two steps, like the rest of the code: :func:`plan_history` is pure (a seed and a ``now``
in, plain rows out, the same rows on every machine), :func:`store_history` writes them.
Diaries follow a weekly rhythm (busier weekday evenings, US Eastern), grow their counts
the way the simulator's do, and those above the site's bar are marked as having reached
its rec list. Links point under ``/history/`` on each simulated blog, which does not
serve them: these diaries are past, only their numbers matter.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.digest.weeks import last_full_week, week_containing
from models import (
    Action,
    Diary,
    DiaryMetric,
    DigestDelivery,
    DigestRun,
    Shift,
    ShiftAssignment,
    Site,
    User,
)
from sim.content import AUTHORS, HEALTH_TAGS, HEALTH_TITLES, OTHER_TITLES, PLACES

WEEKS = 8
EASTERN = ZoneInfo("America/New_York")
# Diaries per hour at the busiest hour; the rhythm below scales it.
PEAK_PER_HOUR = {"dailykos": 1.6, "mydd": 0.5, "calitics": 0.35}
# Minutes after publication at which the counts were "polled".
POLLS = (15, 30, 60, 120, 240, 480, 1440)
TEAMMATES = (("Dee Organizer", "dee@demo.test", "blogger"),
             ("Eli Nurse", "eli@demo.test", "blogger"),
             ("Fay Caller", "fay@demo.test", "blogger"),
             ("Gus Writer", "gus@demo.test", "coordinator"))


def rhythm(local: datetime) -> float:
    """0..1: how busy a blog is at this US Eastern hour (evenings, weekdays)."""
    hour = local.hour
    if 1 <= hour < 7:
        level = 0.08
    elif hour < 12:
        level = 0.55
    elif hour < 18:
        level = 0.45
    else:
        level = 1.0 if hour < 23 else 0.5
    return level * (0.6 if local.weekday() >= 5 else 1.0)


@dataclass
class PlannedDiary:
    site: str
    guid: str
    title: str
    author: str
    published_at: datetime
    health: bool
    tags: list[str]
    polls: list[tuple[datetime, int, int]]  # (observed_at, recs, comments)
    on_rec_list: bool


@dataclass
class History:
    diaries: list[PlannedDiary] = field(default_factory=list)


def plan_history(seed: int, sites: dict[str, float], now: datetime,
                 weeks: int = WEEKS) -> History:
    """Diaries of the ``weeks`` before ``now`` (ending a day before it, so today's board
    stays the live simulator's) for ``sites`` ({slug: rec-list bar}). Pure."""
    rng = random.Random(f"history:{seed}")
    history = History()
    end = now - timedelta(days=1)
    hour = (end - timedelta(weeks=weeks)).replace(minute=0, second=0, microsecond=0)
    number = 0
    while hour < end:
        local = hour.astimezone(EASTERN)
        for slug, bar in sites.items():
            rate = PEAK_PER_HOUR.get(slug, 0.3) * rhythm(local)
            # Poisson arrivals within the hour, by inversion (no numpy needed).
            count, threshold, product = 0, math.exp(-rate), rng.random()
            while product > threshold:
                count += 1
                product *= rng.random()
            for _ in range(count):
                number += 1
                published = hour + timedelta(seconds=rng.randint(0, 3599))
                history.diaries.append(_diary(rng, slug, number, published, bar, local))
        hour += timedelta(hours=1)
    return history


def _diary(rng: random.Random, slug: str, number: int, published: datetime, bar: float,
           local: datetime) -> PlannedDiary:
    health = rng.random() < 0.5
    fill = {"place": rng.choice(PLACES), "n": rng.randint(20, 90), "day": local.strftime("%A")}
    title = rng.choice(HEALTH_TITLES if health else OTHER_TITLES).format(**fill)
    # Evening diaries do better: more readers are around to recommend them.
    boost = 1.0 + rhythm(local)
    peak = int(rng.paretovariate(1.6) * 4 * boost * (3 if slug == "dailykos" else 1))
    comments_peak = int(rng.paretovariate(1.8) * 6 * boost)
    tau, ctau = rng.uniform(45, 240), rng.uniform(60, 300)
    polls = [(published + timedelta(minutes=m), int(peak * (1 - math.exp(-m / tau))),
              int(comments_peak * (1 - math.exp(-m / ctau)))) for m in POLLS]
    return PlannedDiary(
        site=slug, guid=f"history-{number}", title=title,
        author=rng.choice(AUTHORS.get(slug, ["guest"])), published_at=published,
        health=health, tags=rng.sample(HEALTH_TAGS, 2) if health else [], polls=polls,
        on_rec_list=polls[-1][1] >= bar)


def store_history(session: Session, history: History, seed: int, now: datetime) -> dict:
    """Write the planned diaries, then the team's life around them: teammates, actions,
    shifts (past and the next two weeks) and the digests sent. Flushes; returns counts."""
    rng = random.Random(f"team:{seed}")
    sites = {s.slug: s for s in session.scalars(select(Site))}
    ids: list[tuple[int, PlannedDiary]] = []
    for planned in history.diaries:
        site = sites[planned.site]
        last = planned.polls[-1]
        diary_id = session.execute(insert(Diary).values(
            site_id=site.id, guid=planned.guid, title=planned.title, author=planned.author,
            url=f"{site.base_url.rstrip('/')}/history/{planned.guid}",
            published_at=planned.published_at, summary_html="", tags=planned.tags,
            topic_score=3.0 if planned.health else 0.0,
            topic_terms=["single payer"] if planned.health else [],
            content_hash=planned.guid, first_seen_at=planned.published_at,
            last_seen_at=last[0], recommends=last[1], comments=last[2],
            counts_checked_at=last[0], on_rec_list=planned.on_rec_list)
            .returning(Diary.id)).scalar_one()
        ids.append((diary_id, planned))
    metrics = [dict(diary_id=diary_id, observed_at=at, recommends=recs, comments=comments)
               for diary_id, planned in ids for at, recs, comments in planned.polls]
    for start in range(0, len(metrics), 2000):
        session.execute(insert(DiaryMetric), metrics[start:start + 2000])
    people = _teammates(session, now)
    actions = _actions(session, rng, ids, people, sites)
    shifts = _shifts(session, rng, people, sites, now)
    digests = _digests(session, people, now)
    session.flush()
    return {"diaries": len(ids), "polls": len(metrics), "actions": actions, "shifts": shifts,
            "digests": digests}


def _teammates(session: Session, now: datetime) -> list[User]:
    from app.accounts import users
    from app.accounts.tokens import new_token

    for name, email, role in TEAMMATES:
        if session.scalar(select(User.id).where(User.email == email)) is None:
            # Nobody logs in as them: the password is random and never shown.
            users.create_user(session, email=email, password=new_token(), display_name=name,
                              role=role)
    return list(session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)))


def _actions(session: Session, rng: random.Random, ids, people: list[User],
             sites: dict[str, Site]) -> int:
    rows, seen = [], set()
    for diary_id, planned in ids:
        if not planned.health or rng.random() < 0.35:
            continue
        for person in rng.sample(people, rng.randint(1, min(3, len(people)))):
            kind = rng.choice(("recommend", "recommend", "comment", "crosspost"))
            target = sites[planned.site]
            url = None
            if kind == "crosspost":
                others = [s for slug, s in sites.items() if slug != planned.site]
                target = rng.choice(others)
                url = f"{target.base_url.rstrip('/')}/history/x-{planned.guid}"
            key = (person.id, diary_id, kind, target.id)
            if key in seen:
                continue
            seen.add(key)
            rows.append(dict(user_id=person.id, diary_id=diary_id, kind=kind,
                             target_site_id=target.id, url=url,
                             at=planned.published_at + timedelta(minutes=rng.randint(5, 180))))
    if rows:
        session.execute(insert(Action), rows)
    return len(rows)


def _shifts(session: Session, rng: random.Random, people: list[User],
            sites: dict[str, Site], now: datetime) -> int:
    """Weekday-evening shifts on Daily Kos and Sunday afternoons on any site, from eight
    weeks ago to two weeks ahead; the future ones keep a few open places."""
    la = ZoneInfo("America/Los_Angeles")
    coordinator = next((p for p in people if p.has_role("coordinator")), people[0])
    kos = sites.get("dailykos")
    first = (now - timedelta(weeks=WEEKS)).astimezone(la).date()
    made = 0
    for offset in range((now.astimezone(la).date() + timedelta(days=14) - first).days):
        day = first + timedelta(days=offset)
        if day.weekday() < 5:
            site_id, start, hours, places, focus = kos.id if kos else None, time(18), 3, 2, \
                "recommend"
        elif day.weekday() == 6:
            site_id, start, hours, places, focus = None, time(13), 3, 3, "any"
        else:
            continue
        starts = datetime.combine(day, start, la).astimezone(UTC)
        shift = Shift(site_id=site_id, starts_at=starts, ends_at=starts + timedelta(hours=hours),
                      focus=focus, places=places, created_by_id=coordinator.id,
                      series_id=f"demo-{'weekday' if day.weekday() < 5 else 'sunday'}",
                      sequence=0, created_at=now - timedelta(weeks=WEEKS),
                      updated_at=now - timedelta(weeks=WEEKS))
        session.add(shift)
        session.flush()
        # The past was mostly covered; the future still has gaps to fill.
        filled = places if starts < now and rng.random() < 0.8 else rng.randint(0, places - 1)
        for person in rng.sample(people, min(filled, len(people))):
            session.add(ShiftAssignment(shift_id=shift.id, user_id=person.id,
                                        assigned_by_id=coordinator.id,
                                        created_at=starts - timedelta(days=3),
                                        reminder_sent_at=starts - timedelta(hours=1)
                                        if starts < now else None, sequence=0))
        made += 1
    return made


def _digests(session: Session, people: list[User], now: datetime) -> int:
    """A digest run, delivered to every subscriber, for each full week of the history."""
    zone = "America/Los_Angeles"
    week = last_full_week(now, zone)
    oldest = week_containing((now - timedelta(weeks=WEEKS)).astimezone(ZoneInfo(zone)).date(),
                             zone)
    made = 0
    while week.start >= oldest.start:
        if session.scalar(select(DigestRun.id).where(DigestRun.week == week.label)) is None:
            sent = week.end + timedelta(hours=16)  # Monday 08:00 in Los Angeles
            run = DigestRun(week=week.label, started_at=sent, finished_at=sent,
                            recipients=len(people))
            session.add(run)
            session.flush()
            for person in people:
                session.add(DigestDelivery(run_id=run.id, week=week.label, user_id=person.id,
                                           email=person.email, status="sent", attempts=1,
                                           sent_at=sent, created_at=sent))
            made += 1
        week = week.previous(zone)
    return made
