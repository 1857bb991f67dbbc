"""A site whose rec list is ranked by a known aging curve, as plain data: diaries whose
recs arrive at known times, the lists the site showed, and our readings of the counts
every 10 minutes. Used by the learner's tests and the bar's."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from app.ranking import Curve, Observation
from app.ranking.learn import CountHistory, SeenList

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)

POLL_MINUTES = 10


def world(truth: Curve, seed: int, slots: int = 8, diaries: int = 160, lists: int = 48,
          list_every_minutes: int = 30):
    """Diaries published over two days; each gains recs at a pace of its own that fades
    at a pace of its own (some fast starters, some late bloomers). The site lists its top
    ``slots`` by ``truth`` over the exact rec times; we read counts every 10 minutes, up
    to 30 h after publication. Returns (lists seen, newest first; count histories by diary
    id; each diary's (publication, rec times))."""
    rng = random.Random(seed)
    start = NOW - timedelta(hours=48)
    arrivals: dict[int, tuple[datetime, list[datetime]]] = {}
    for diary_id in range(1, diaries + 1):
        published = start + timedelta(minutes=rng.uniform(0, 47 * 60))
        quality = rng.lognormvariate(1.5, 0.9)  # recs an hour at first
        fade = rng.uniform(0.5, 12.0)  # hours over which the pace fades
        times, t = [], 0.0
        while t < 30:
            pace = quality * pow(2.0, -t / fade) + 0.05
            t += rng.expovariate(pace)
            if t < 30:
                times.append(published + timedelta(hours=t))
        arrivals[diary_id] = (published, times)

    histories = {}
    for diary_id, (published, times) in arrivals.items():
        obs, at = [], published + timedelta(minutes=rng.uniform(1, POLL_MINUTES))
        while at <= min(NOW, published + timedelta(hours=30)):
            obs.append(Observation(at, sum(1 for t in times if t <= at), None))
            at += timedelta(minutes=POLL_MINUTES)
        histories[diary_id] = CountHistory(published, tuple(obs))
    seen = []
    for n in range(lists):
        at = NOW - timedelta(minutes=n * list_every_minutes)
        scores = true_scores(truth, arrivals, at)
        live = [i for i, (p, _t) in arrivals.items() if p <= at]
        ranked = sorted(live, key=lambda i: (-scores[i], i))[:slots]
        seen.append(SeenList(at, tuple(ranked)))
    return seen, histories, arrivals


def true_scores(truth: Curve, arrivals, at: datetime) -> dict[int, float]:
    return {i: sum(truth.weight((at - t).total_seconds() / 3600) for t in times if t <= at)
            for i, (_published, times) in arrivals.items()}


