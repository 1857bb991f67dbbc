"""What each live diary needs now, one diary at a time: recommends, comments, cross-posts.

Pure on purpose (numbers and ``now`` in, scored needs with a reason out) so the dashboard,
the digest and the tests share one model without a database or a clock. The board's
recommend decisions (who pushes what, act/protect/watch) are made over the whole site in
app.ranking.board; this module scores diaries and keeps the comment and cross-post needs.
The model is explained, with a worked example, in docs/ranking.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from app.ranking.bar import STALE_HOURS
from app.ranking.curves import Curve
from app.ranking.tuning import (
    ACTION_DAMPING,
    COMMENT_TARGET_AGE_HOURS,
    COMMENT_WINDOW_HOURS,
    CROSSPOST_SHARE,
    KIND_WEIGHTS,
    MIN_PACE_SPAN_HOURS,
    PACE_WINDOW_HOURS,
    REC_MARGIN,
    TEAM_RECS_PER_HOUR,
)
from app.text import plural

NeedKind = Literal["recommend", "comment", "crosspost"]

# Caps keep the float maths finite whatever a broken scrape or a typo in settings sends.
MAX_COUNT = 10**9
MAX_TOPIC = 1000.0
MAX_HOURS = 1e6
MAX_BAR = float(MAX_COUNT)


@dataclass(frozen=True)
class SiteSettings:
    slug: str
    name: str
    rec_slots: int = 8
    half_life_hours: float = 2.0
    fallback_threshold: float = 10.0
    comment_target: int = 5
    crosspost_window_hours: float = 48.0
    rec_window_hours: float = 24.0
    enabled: bool = True
    # The site's aging rule; None means exponential with half_life_hours.
    curve: Curve | None = None

    @property
    def aging(self) -> Curve:
        return self.curve or Curve.exponential(self.half_life_hours)


@dataclass(frozen=True)
class Observation:
    at: datetime
    recommends: int | None  # None: the poll could not read it (unknown is not zero)
    comments: int | None


@dataclass(frozen=True)
class DiaryInput:
    diary_id: int
    site_slug: str
    published_at: datetime
    topic_score: float
    observations: Sequence[Observation] = ()
    team_actions: int = 0
    # Every site slug where the cross-post group has a copy or the team logged a cross-post.
    crossposted_to: frozenset[str] = frozenset()
    # Written by a teammate (their username on the site): the team may put it first.
    ours: bool = False


@dataclass(frozen=True)
class Need:
    kind: NeedKind
    amount: float  # recs, comments, or number of target sites
    urgency: float  # 0..1
    reason: str
    targets: tuple[str, ...] = ()  # site slugs, cross-post only

    @property
    def weight(self) -> float:
        """What the need adds to the diary's priority: its urgency, weighed by its kind."""
        return KIND_WEIGHTS[self.kind] * self.urgency


@dataclass(frozen=True)
class RankedDiary:
    diary_id: int
    site_slug: str
    priority: float
    needs: tuple[Need, ...]
    rec_score: float
    bar: float
    pace_per_hour: float


@dataclass(frozen=True)
class _Series:
    score: float
    pace: float
    comments: int | None  # None: no read found a comment count (unknown is not zero)
    # Hours since the newest poll that read the recommend count; None if none ever did.
    read_hours_ago: float | None = None
    recommends: int = 0

    @property
    def known(self) -> bool:
        return self.read_hours_ago is not None


def _utc(dt: datetime) -> datetime:
    # Aware datetimes in other zones subtract correctly; only naive ones need a zone.
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


def _hours(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 3600.0


def _clamp(x: float, hi: float) -> float:
    """Non-negative and at most ``hi``; NaN and negatives become 0."""
    return float(min(x, hi)) if x > 0 else 0.0


def _round(x: float) -> int:
    return int(x + 0.5)


def _fmt_hours(h: float) -> str:
    return f"{_round(h)} h" if h >= 1 else f"{max(1, _round(h * 60))} min"


def _fmt_rate(per_hour: float) -> str:
    return "0" if per_hour <= 0 else "<1" if per_hour < 1 else str(_round(per_hour))


def _series(
    observations: Iterable[Observation],
    now: datetime,
    curve: Curve | float,
    published_at: datetime | None = None,
) -> _Series:
    """One pass over the polls: aged score, current pace and comment count."""
    if not isinstance(observations, list | tuple):
        observations = tuple(observations)  # read twice below
    if not isinstance(curve, Curve):
        curve = Curve.exponential(curve)
    fast = curve.kind == "exp"
    rate = curve.rate
    # Times are hours relative to now; polls from the future (clock skew) count as taken now.
    # This loop runs for every poll of every live diary on each page view, hence the inlining.
    published = None if published_at is None else min(-_hours(now, _utc(published_at)), 0.0)
    # Polls that could not read the recs (None) say nothing about them: skipped, as unknown.
    points = sorted(
        ((o.at if o.at.tzinfo else o.at.replace(tzinfo=UTC)) - now, o.recommends, o.comments)
        for o in observations if o.recommends is not None
    )
    known_comments = [c for o in observations if (c := o.comments) is not None and c >= 0]
    comments = min(max(known_comments), MAX_COUNT) if known_comments else None
    if not points:
        return _Series(0.0, 0.0, comments)
    first_t = min(points[0][0].total_seconds() / 3600.0, 0.0)
    last_t = min(points[-1][0].total_seconds() / 3600.0, 0.0)
    # Pace is measured from the newest poll at least an hour before the last (else the first).
    ref_t, ref_total = first_t, 0
    score, top_recs = 0.0, 0
    for delta, recs, _comments in points:
        t = min(delta.total_seconds() / 3600.0, 0.0)
        # Counts only go up on the sites; a drop is scrape noise, so recs are the running max
        # (negative counts never beat it) and a later recovery is not counted twice.
        if recs > top_recs and top_recs < MAX_COUNT:
            recs = min(recs, MAX_COUNT)
            if t == first_t and published is not None and published < t:
                # Recs present at the first poll arrived some time since publication: spread
                # them evenly, else a diary first polled late would look brand new.
                weight = curve.mean_weight(-t, -published)
            else:
                weight = math.exp(rate * t) if fast else curve.weight(-t)
            score += (recs - top_recs) * weight
            top_recs = recs
        if t <= last_t - PACE_WINDOW_HOURS or t == first_t:
            ref_t, ref_total = t, top_recs
    if ref_t >= last_t and published is not None and published < last_t:
        # All polls at one moment: the only baseline is the publication, with zero recs.
        ref_t, ref_total = published, 0
    pace = 0.0
    if ref_t < last_t:
        pace = (top_recs - ref_total) / max(last_t - ref_t, MIN_PACE_SPAN_HOURS)
    return _Series(score, pace, comments, -last_t, top_recs)


def aged_score(
    observations: Iterable[Observation],
    now: datetime,
    half_life_hours: float | Curve,
    published_at: datetime | None = None,
) -> float:
    """Recent-recommend score: each rec weighs 0.5 ** (age_hours / half_life_hours), or
    what the given ``Curve`` says.

    Recs gained between two polls are dated at the later poll. Recs already present at the
    first poll are spread evenly from ``published_at`` to that poll, or dated at the poll
    when ``published_at`` is None. Drops in the count are ignored, future polls count as
    taken at ``now``, and a half-life under one minute (or NaN) is treated as one minute.
    """
    return _series(observations, _utc(now), half_life_hours, published_at).score


def entry_bar(
    scores: Iterable[float],
    slots: int,
    scraped_list_min: float | None = None,
    fallback: float = 10.0,
) -> float:
    """Aged score a diary must beat to be on the site's rec list.

    ``scraped_list_min`` (the lowest aged score among diaries on the scraped rec list) wins
    when given. Otherwise the ``slots``-th best of the site's live ``scores``; with fewer
    live diaries than slots there is no k-th best, so ``fallback`` is used.
    """
    if scraped_list_min is not None and scraped_list_min >= 0:
        return _clamp(scraped_list_min, MAX_BAR)
    ranked = sorted((s for s in scores if 0 <= s < math.inf), reverse=True)
    slots = max(int(slots), 1)
    if len(ranked) >= slots:
        return ranked[slots - 1]
    return _clamp(fallback, MAX_BAR)


def _rec_need(series: _Series, bar: float, age: float, site: SiteSettings) -> Need | None:
    if not series.known:
        return None  # no recommend need from counts no read found (unknown is not zero)
    window = _clamp(site.rec_window_hours, MAX_HOURS)
    target = bar * (1 + REC_MARGIN)
    if age >= window or series.score >= target:
        return None
    amount = target - series.score
    # The diary's own momentum covers part of the gap; the team is asked for the rest.
    shortfall = max(amount - series.pace, 0.0)
    urgency = (1 - age / window) / (1 + shortfall / TEAM_RECS_PER_HOUR)
    goal = "reach the rec list safely" if series.score < bar else "stay safely on the rec list"
    reason = (
        f"needs ~{plural(max(1, _round(amount)), 'rec')} in the next hour to {goal} "
        f"(bar {_round(bar)}, now {_round(series.score)}, gaining {_fmt_rate(series.pace)}/h)"
    )
    return Need("recommend", amount, urgency, reason)


def _comment_gate(comments: int | None, age: float) -> str | None:
    """Why a diary cannot have a comment need at all, or None."""
    if comments is None:
        return "its comment count is unknown (not found on the page)"
    if age >= COMMENT_WINDOW_HOURS:
        return f"older than the {COMMENT_WINDOW_HOURS:g} h comment window"
    return None


def _comment_need(comments: int | None, age: float, site: SiteSettings) -> Need | None:
    if _comment_gate(comments, age) is not None:
        return None
    # Aim for comment_target by the 2 h mark, then look one hour ahead; the goal grows with
    # the square root of age because late comments add less visibility than early ones.
    horizon = max(COMMENT_TARGET_AGE_HOURS, age + 1.0)
    base = _clamp(site.comment_target, float(MAX_COUNT))
    target = base * math.sqrt(horizon / COMMENT_TARGET_AGE_HOURS)
    missing = math.ceil(target - comments)
    if missing <= 0:
        return None
    urgency = (1 - age / COMMENT_WINDOW_HOURS) * min(missing / target, 1.0)
    reason = (
        f"needs {plural(missing, 'more comment')} in the next {_fmt_hours(horizon - age)} "
        f"to stay visible (has {comments})"
    )
    return Need("comment", float(missing), urgency, reason)


def _crosspost_gate(score: float, bar: float, age: float, home: SiteSettings) -> str | None:
    """Why a diary is not worth cross-posting (whatever the other sites), or None."""
    window = _clamp(home.crosspost_window_hours, MAX_HOURS)
    if age >= window:
        return f"older than the {window:g} h cross-post window"
    if score <= 0 or score < CROSSPOST_SHARE * bar:
        return "not near the rec list, so not worth cross-posting yet"
    return None


def rec_gate(diary: DiaryInput, series: _Series, age: float, site: SiteSettings) -> str | None:
    """Why a diary is no candidate for the board's recommend rows, or None when it is:
    on topic, younger than the rec window and its count read in the last ``STALE_HOURS``
    (app.ranking.board plans only with those)."""
    if diary.topic_score <= 0:
        return "not tagged as a health-care diary"
    if age >= site.rec_window_hours:
        return f"older than the {site.rec_window_hours:g} h rec-list window"
    if not series.known:
        return "its recommend count is unknown (not found on the page)"
    if series.read_hours_ago > STALE_HOURS:
        return (f"its recommend count was last read {_fmt_hours(series.read_hours_ago)} ago: "
                "too old to plan with")
    return None


def _crosspost_need(
    diary: DiaryInput,
    score: float,
    bar: float,
    age: float,
    home: SiteSettings,
    sites: Iterable[SiteSettings],
) -> Need | None:
    if _crosspost_gate(score, bar, age, home) is not None:
        return None
    window = _clamp(home.crosspost_window_hours, MAX_HOURS)
    targets = [
        s for s in sites if s.enabled and s.slug != home.slug and s.slug not in diary.crossposted_to
    ]
    if not targets:
        return None
    # Earlier is better: a fresh cross-post meets the other site's readers while it is news.
    strength = min(score / bar, 1.0) if bar > 0 else 1.0
    urgency = (1 - age / window) * strength
    status = "on the rec list" if score >= bar else "near the rec list"
    reason = (
        f"doing well on {home.name} ({status}); cross-post to "
        f"{', '.join(s.name for s in targets)} within {_fmt_hours(window - age)}"
    )
    return Need("crosspost", float(len(targets)), urgency, reason, tuple(s.slug for s in targets))


def _relevance(topic_score: float) -> float:
    # log1p: a very on-topic diary ranks higher, but cannot drown out what others need now.
    return math.log1p(_clamp(topic_score, MAX_TOPIC))


def _assess(
    diary: DiaryInput,
    site: SiteSettings,
    bar: float,
    now: datetime,
    sites: Iterable[SiteSettings],
    series: _Series,
) -> RankedDiary:
    age = _clamp(_hours(now, _utc(diary.published_at)), math.inf)
    relevance = _relevance(diary.topic_score)
    needs: tuple[Need, ...] = ()
    if relevance > 0 and site.enabled:
        found = (
            _rec_need(series, bar, age, site),
            _comment_need(series.comments, age, site),
            _crosspost_need(diary, series.score, bar, age, site, sites),
        )
        needs = tuple(n for n in found if n is not None)
    weighted = sum(n.weight for n in needs)
    # Diminishing: every logged action makes the next one here worth less, spreading effort.
    actions = min(max(int(diary.team_actions), 0), MAX_COUNT)
    priority = relevance * weighted / (1 + ACTION_DAMPING * actions)
    return RankedDiary(
        diary.diary_id, diary.site_slug, priority, needs, series.score, bar, series.pace
    )


def why_not(
    kind: NeedKind,
    diary: DiaryInput,
    site: SiteSettings,
    bar: float | None,
    now: datetime,
    sites: Iterable[SiteSettings] = (),
) -> str:
    """Why ``diary`` has no ``kind`` need, in words (the diary page's breakdown), from the
    same rules that decide the needs. For recommends, why the board has no row for it:
    a candidate without one is on the list, clear of the diaries below it."""
    now = _utc(now)
    bar = _clamp(site.fallback_threshold if bar is None else bar, MAX_BAR)
    series = _series(diary.observations, now, site.aging, diary.published_at)
    age = _clamp(_hours(now, _utc(diary.published_at)), math.inf)
    if _relevance(diary.topic_score) <= 0:
        return "not tagged as a health-care diary"
    if not site.enabled:
        return f"{site.name} is switched off"
    if kind == "recommend":
        return rec_gate(diary, series, age, site) or "on the rec list with a margin"
    if kind == "comment":
        return _comment_gate(series.comments, age) or "has enough comments for its age"
    return (_crosspost_gate(series.score, bar, age, site)
            or "already on every other site we follow")


def assess(
    diary: DiaryInput,
    site: SiteSettings,
    bar: float | None,
    now: datetime,
    sites: Iterable[SiteSettings] = (),
) -> RankedDiary:
    """Need breakdown for one diary, even when it needs nothing (for the diary page).

    ``bar`` is the site's entry bar (see ``entry_bar``); None means the site's fallback.
    ``sites`` are the cross-post candidates; the home site and disabled sites are skipped.
    """
    now = _utc(now)
    bar = _clamp(site.fallback_threshold if bar is None else bar, MAX_BAR)
    series = _series(diary.observations, now, site.aging, diary.published_at)
    return _assess(diary, site, bar, now, tuple(sites), series)


def rank(
    diaries: Iterable[DiaryInput],
    sites: Mapping[str, SiteSettings],
    now: datetime,
    scraped_bars: Mapping[str, float | None] | None = None,
) -> list[RankedDiary]:
    """Diaries that need something, most pressing first (ties by diary_id).

    ``diaries`` are all live diaries, relevant or not, since every one competes for the rec
    list; diaries on unknown or disabled sites are skipped. ``scraped_bars`` maps a site slug
    to the lowest aged score on its scraped rec list, or None to use the k-th best score.
    """
    now = _utc(now)
    scraped_bars = scraped_bars or {}
    candidates = tuple(sites.values())
    live: list[tuple[DiaryInput, SiteSettings, _Series]] = []
    scores: dict[str, list[float]] = {}
    for diary in diaries:
        site = sites.get(diary.site_slug)
        if site is None or not site.enabled:
            continue
        series = _series(diary.observations, now, site.aging, diary.published_at)
        live.append((diary, site, series))
        scores.setdefault(diary.site_slug, []).append(series.score)
    bars = {}
    for slug, site_scores in scores.items():
        s = sites[slug]
        bars[slug] = entry_bar(
            site_scores, s.rec_slots, scraped_bars.get(slug), s.fallback_threshold
        )
    assessed = (_assess(d, s, bars[d.site_slug], now, candidates, ser) for d, s, ser in live)
    ranked = [r for r in assessed if r.needs]
    ranked.sort(key=lambda r: (-r.priority, r.diary_id))
    return ranked
