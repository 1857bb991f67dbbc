"""Deterministic diaries for the simulated blogs: who wrote what, when, and how it grows.

Everything comes from ``random.Random(f"{seed}:{site}")``, so the same seed and start
give the same diaries at the same simulated minutes, on every machine.
"""

from __future__ import annotations

import html
import math
import random
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

HEALTH_TITLES = [
    "Single payer now: why HR 676 is the only real fix",
    "SiCKO opens Friday \u2014 organize a screening in {place}",
    "Medicare for All: answering the five questions your uncle asks",
    "{n} million uninsured and counting",
    "My insurer denied my daughter\u2019s surgery",
    "HR 676 picks up its {n}th cosponsor",
    "Nurses rally for universal health care in {place}",
    "The insurance lobby\u2019s talking points, debunked",
    "Why Medicare works and private insurance doesn\u2019t",
    "Single-payer town hall in {place} draws a crowd",
    "Michael Moore\u2019s SiCKO and the uninsured in {place}",
    "Health care is a right: a nurse\u2019s diary",
]
OTHER_TITLES = [
    "Open thread: {day} night",
    "Iraq supplemental vote tonight",
    "FISA: call your senator today",
    "Poll: Democrats lead in {place}",
    "Gas prices and the energy bill",
    "Weekend garden blogging",
    "Who\u2019s going to the convention in {place}?",
    "The commutation nobody asked for",
    "Immigration bill fails cloture",
    "Caf\u00e9 society: notes from {place}",
    "Redistricting fight heats up in {place}",
    "Budget deal leaves schools short",
]
PLACES = ["Oakland", "Fresno", "Des Moines", "Manchester", "Columbus", "Sacramento",
          "Austin", "Denver", "Madison", "Portland"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
HEALTH_TAGS = ["health care", "single payer", "SiCKO", "Medicare", "uninsured", "HR 676",
               "universal health care", "health insurance"]
OTHER_TAGS = ["Iraq", "elections", "open thread", "FISA", "energy", "immigration",
              "netroots", "budget"]
HEALTH_SENTENCES = [
    "Forty-seven million Americans have no health insurance at all.",
    "A single-payer plan like HR 676 would cover everybody, with no premiums.",
    "Medicare for all is cheaper than what we pay now.",
    "SiCKO shows what the insurers would rather you did not see.",
    "The uninsured are our neighbours, and the emergency room is not a plan.",
    "Call your representative and ask them to cosponsor HR 676.",
]
OTHER_SENTENCES = [
    "The vote is expected late tonight.",
    "Call your senator and say no.",
    "The new numbers look good for us.",
    "Here is what I saw on the ground this week.",
    "Tell me what you think in the comments.",
    "This one is going to be close.",
]
AUTHORS = {
    "dailykos": ["nyceve", "slinkerwink", "Edger", "jpmassar", "Meteor Blades", "DemFromCT",
                 "Bill in Portland Maine", "Dr. Jeff", "leftyguitarist", "Unitary Moonbat"],
    "mydd": ["Jerome Armstrong", "Matt Stoller", "Jonathan Singer", "Todd Beeton",
             "desmoinesdem", "Charles Lemos", "Natasha Chart", "Josh Orton"],
    "calitics": ["Robert Cruickshank", "Dave Dayen", "Brian Leubitz", "Lucas O'Connor",
                 "atdleft", "SFBrianCL", "Julia Rosen", "Shaun Bowler"],
}
# Where each site's diary numbers start, so URLs look like the real ones did.
FIRST_NUMBER = {"dailykos": 1702310, "mydd": 30501, "calitics": 4120}
BACKLOG_HOURS = 8


@dataclass(frozen=True)
class SimDiary:
    site: str
    number: int
    title: str
    author: str
    tags: tuple[str, ...]
    body_html: str
    published_at: datetime
    health: bool
    rec_peak: int
    rec_tau: float  # minutes to reach ~63% of the peak
    comment_peak: int
    comment_tau: float

    def _grown(self, peak: int, tau: float, now: datetime) -> int:
        minutes = (now - self.published_at).total_seconds() / 60
        if minutes <= 0:
            return 0
        return int(peak * (1 - math.exp(-minutes / tau)))

    def recommends(self, now: datetime) -> int:
        return self._grown(self.rec_peak, self.rec_tau, now)

    def comments(self, now: datetime) -> int:
        return self._grown(self.comment_peak, self.comment_tau, now)


def _make(site: str, number: int, published_at: datetime, rng: random.Random) -> SimDiary:
    health = rng.random() < 0.45
    fill = {"place": rng.choice(PLACES), "n": rng.randint(20, 90), "day": rng.choice(DAYS)}
    title = rng.choice(HEALTH_TITLES if health else OTHER_TITLES).format(**fill)
    tags = tuple(rng.sample(HEALTH_TAGS if health else OTHER_TAGS, rng.randint(1, 3)))
    sentences = rng.sample(HEALTH_SENTENCES if health else OTHER_SENTENCES, 3)
    body = (f"<p>{html.escape(sentences[0])} <em>{html.escape(sentences[1])}</em></p>"
            f"<p>{html.escape(sentences[2])} More in "
            f"<a href=\"/{site}/about\">our earlier diary</a>.</p>")
    big = rng.random()
    scale = 3 if site == "dailykos" else 1
    if big < 0.35:
        rec_peak = rng.randint(0, 8)
    elif big < 0.75:
        rec_peak = rng.randint(8, 30)
    else:
        rec_peak = rng.randint(30, 150)
    return SimDiary(
        site=site, number=number, title=title, author=rng.choice(AUTHORS[site]), tags=tags,
        body_html=body, published_at=published_at, health=health,
        rec_peak=rec_peak * scale, rec_tau=rng.uniform(45, 240),
        comment_peak=rng.randint(0, 120) * scale, comment_tau=rng.uniform(60, 300))


class Timeline:
    """The diaries of one site, generated lazily in publication order."""

    def __init__(self, site: str, seed: int, start: datetime):
        self.site = site
        self._rng = random.Random(f"{seed}:{site}")
        self._next_at = start - timedelta(hours=BACKLOG_HOURS)
        self._next_number = FIRST_NUMBER[site]
        self._diaries: list[SimDiary] = []
        self._lock = threading.Lock()

    def visible(self, now: datetime) -> list[SimDiary]:
        """Every diary published at or before ``now``, oldest first."""
        with self._lock:
            while self._next_at <= now:
                self._diaries.append(_make(self.site, self._next_number, self._next_at,
                                           self._rng))
                self._next_number += self._rng.randint(1, 7)
                # Seconds matter: two diaries never share a timestamp.
                self._next_at += timedelta(seconds=self._rng.randint(8 * 60, 40 * 60))
            return [d for d in self._diaries if d.published_at <= now]

    def find(self, number: int, now: datetime) -> SimDiary | None:
        for diary in self.visible(now):
            if diary.number == number:
                return diary
        return None


def rec_list(diaries: list[SimDiary], now: datetime, threshold: int, size: int = 8):
    """The site's Recommended list: young diaries over the threshold, most recs first."""
    young = [d for d in diaries if now - d.published_at <= timedelta(hours=24)]
    ranked = sorted((d for d in young if d.recommends(now) >= threshold),
                    key=lambda d: (-d.recommends(now), -d.number))
    return ranked[:size]
