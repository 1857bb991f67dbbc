"""The board's whole decision: which diaries the team pushes now, who recommends what.

One pure function, ``plan_board``, over plain values (each diary's polls and publication
time, the scraped rec lists, who is online with what budget left and until when). Boost
today, the API, the diary page and bench/ranking.py all call it, so the simulation sees
exactly what a teammate sees. docs/ranking.md explains the model and its types.

Recommend rows come in three groups:
* act: the online teammates who have not recommended the diary can lift it onto the list
  before the next poll (its own pace and the bar's rise from other pushes allowed for);
* protect: on the list but about to drop off, and the online team can keep it on;
* watch: farther off (or rising on its own): shown apart, never asking for recs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from app.ranking.bar import STALE_HOURS, Bar, RecList, list_position, site_bar
from app.ranking.needs import (
    DiaryInput,
    RankedDiary,
    SiteSettings,
    _assess,
    _hours,
    _Series,
    _series,
    _utc,
    rec_gate,
)
from app.ranking.ours import mark_ours
from app.ranking.tuning import (
    AGE_COST_PER_HOUR,
    ARRIVE_HOURS,
    BIG_TEAM_ONLINE,
    EARLY_AGE_HOURS,
    EARLY_PACE_HOURS,
    ENTER_MARGIN,
    HOLD_HOURS,
    MIN_PACE_SPAN_HOURS,
    ON_ITS_OWN_HOURS,
    PACE_WINDOW_HOURS,
    PROTECT_MARGIN,
    REACH_HOURS,
    SHIFT_END_HOURS,
    YOUNG_HOURS,
)
from app.text import plural

Group = Literal["act", "protect", "watch"]



@dataclass(frozen=True)
class Teammate:
    user_id: int
    budget_left: int  # recommends still allowed this hour
    online_until: datetime | None = None  # end of shift; None: active now, no shift
    recommended: frozenset[int] = frozenset()  # diaries they already recommended
    online: bool = True  # False: on the team but away (counts for "the team could")
    online_from: datetime | None = None  # away now; their shift starts then


@dataclass(frozen=True)
class RecRow:
    diary_id: int
    site_slug: str
    group: Group
    need: int  # recs asked of the team (0: none)
    helpers: tuple[int, ...]  # user ids asked to recommend it now
    reason: str
    score: float
    bar: float
    pace: float  # its own recs per hour
    position: int | None = None  # place on the scraped list
    team_could: bool = False  # watch rows: the whole team (online or not) could lift it
    ours: bool = False  # a teammate's own diary (see app.ranking.ours)


@dataclass(frozen=True)
class BoardPlan:
    now: datetime
    rows: tuple[RecRow, ...]  # act, then protect, then watch
    others: tuple[RankedDiary, ...]  # comment and cross-post needs, most pressing first
    bars: Mapping[str, Bar]
    online: int
    assignments: Mapping[int, tuple[int, ...]] = field(default_factory=dict)

    def row(self, diary_id: int) -> RecRow | None:
        return next((r for r in self.rows if r.diary_id == diary_id), None)


@dataclass
class _Candidate:
    diary: DiaryInput
    site: SiteSettings
    series: _Series
    age: float
    pending: int  # team recs logged since the last poll: they count at once
    pace: float  # its own recs per hour: the polled pace less the team's logged recs
    pushed_hours_ago: float | None = None  # the team's latest logged recommend on it

    def projected(self, hours: float = 0.0) -> float:
        # Its own pace carries it part of the way; a pace read from the last hour fades,
        # so only the near future is counted on when deciding it needs no help. A pace
        # seen for ten minutes is not trusted for longer than that: a brand-new diary's
        # first recs say little about its next hour.
        return self.series.score + self.pending + self.pace * min(hours, self.age)


def plan_board(
    diaries: Iterable[DiaryInput],
    sites: Mapping[str, SiteSettings],
    now: datetime,
    rec_lists: Mapping[str, RecList] | None = None,
    team: Sequence[Teammate] = (),
    team_log: Mapping[int, Sequence[datetime]] | None = None,
    prefer_ours: bool = False,
) -> BoardPlan:
    """Decide the board: recommend rows by group with helpers, and the other needs.

    ``diaries`` are the live diaries, on-topic or not, plus those on a scraped list (they
    set the bar); ``rec_lists`` maps a site slug to its latest scraped list; ``team`` is
    everyone on the team, ``online`` or not, with their budget left this hour;
    ``team_log`` maps a diary to the times teammates logged a recommend on it (those after
    its last poll, or at the same instant, count at once: a logged recommend moves the row).
    ``prefer_ours`` puts teammates' own diaries first within each group (never across).
    """
    now = _utc(now)
    rec_lists = rec_lists or {}
    team_log = team_log or {}
    online = [t for t in team if t.online]
    by_site: dict[str, list[tuple[DiaryInput, _Series]]] = {}
    for d in diaries:
        site = sites.get(d.site_slug)
        if site is None or not site.enabled:
            continue
        by_site.setdefault(d.site_slug, []).append(
            (d, _series(d.observations, now, site.aging, d.published_at)))
    bars: dict[str, Bar] = {}
    candidates: list[_Candidate] = []
    others: list[RankedDiary] = []
    sites_tuple = tuple(sites.values())
    for slug, entries in by_site.items():
        site = sites[slug]
        scores = {d.diary_id: s.score for d, s in entries}
        fresh = {d.diary_id for d, s in entries
                 if s.known and s.read_hours_ago <= STALE_HOURS}
        bar = site_bar(scores, fresh, rec_lists.get(slug), site.rec_slots,
                       site.fallback_threshold, now)
        bars[slug] = bar
        for d, s in entries:
            assessed = _assess(d, site, bar.value, now, sites_tuple, s)
            kept = tuple(n for n in assessed.needs if n.kind != "recommend")
            if kept:
                others.append(_replace_needs(assessed, kept))
            age = max(_hours(now, _utc(d.published_at)), 0.0)
            if rec_gate(d, s, age, site) is None:
                last = now - timedelta(hours=s.read_hours_ago)
                logged = [_utc(at) for at in team_log.get(d.diary_id, ())]
                pending = sum(1 for at in logged if at >= last)
                pushed = min((_hours(now, at) for at in logged), default=None)
                candidates.append(_Candidate(d, site, s, age, pending,
                                             _own_pace(s, logged, last, age), pushed))
    others.sort(key=lambda r: (-r.priority, r.diary_id))
    rows = _plan_recs(candidates, bars, rec_lists, team, now)
    rows = mark_ours(rows, {d.diary_id for e in by_site.values() for d, _ in e if d.ours},
                     prefer_ours)
    assignments: dict[int, list[int]] = {}
    for r in rows:
        for uid in r.helpers:
            assignments.setdefault(uid, []).append(r.diary_id)
    return BoardPlan(now, tuple(rows), tuple(others), bars, len(online),
                     {u: tuple(ids) for u, ids in assignments.items()})


def _own_pace(s: _Series, logged: Sequence[datetime], last: datetime, age: float) -> float:
    """The pace the diary gains on its own: the team's recs read by the polls of the pace
    window are ours, not its readers', and must not be projected forward as if they were
    (they made the team push diaries that only looked fast because it had pushed them)."""
    window = min(max(age - s.read_hours_ago, 0.0), PACE_WINDOW_HOURS)
    ours = sum(1 for at in logged if at < last and _hours(last, at) <= window)
    return max(s.pace - ours / max(window, MIN_PACE_SPAN_HOURS), 0.0)


def _replace_needs(r: RankedDiary, needs) -> RankedDiary:
    return RankedDiary(r.diary_id, r.site_slug, r.priority, needs, r.rec_score, r.bar,
                       r.pace_per_hour)


class _Budgets:
    """Who can still recommend what, as pushes are chosen."""

    def __init__(self, team: Sequence[Teammate], now: datetime):
        self.online = [t for t in team if t.online]
        self.everyone = list(team)
        self.left = {t.user_id: max(int(t.budget_left), 0) for t in self.online}
        self.arriving = [t for t in team if not t.online and t.online_from is not None
                         and 0 <= _hours(_utc(t.online_from), now) <= ARRIVE_HOURS]

    def coming(self, diary_id: int) -> int:
        """Teammates starting a shift within ARRIVE_HOURS who could still recommend it."""
        return sum(1 for t in self.arriving if diary_id not in t.recommended)

    def helpers(self, diary_id: int) -> list[Teammate]:
        able = [t for t in self.online
                if self.left[t.user_id] > 0 and diary_id not in t.recommended]
        # Those with most budget left first: everyone stays useful for the next push.
        able.sort(key=lambda t: (-self.left[t.user_id], t.user_id))
        return able

    def could(self, diary_id: int) -> int:
        return sum(1 for t in self.everyone if diary_id not in t.recommended)

    def take(self, chosen: Iterable[Teammate]) -> tuple[int, ...]:
        ids = []
        for t in chosen:
            self.left[t.user_id] -= 1
            ids.append(t.user_id)
        return tuple(ids)


def _plan_recs(candidates: list[_Candidate], bars: Mapping[str, Bar],
               rec_lists: Mapping[str, RecList], team: Sequence[Teammate],
               now: datetime) -> list[RecRow]:
    budgets = _Budgets(team, now)
    n_online = len(budgets.online)
    big_team = n_online >= BIG_TEAM_ONLINE
    rows: dict[Group, list[RecRow]] = {"act": [], "protect": [], "watch": []}
    pushes: dict[str, int] = {}
    off_list: list[tuple[int, float, int, _Candidate]] = []
    holding = {c.diary.diary_id for c in candidates
               if big_team and c.pushed_hours_ago is not None
               and c.pushed_hours_ago <= HOLD_HOURS} if big_team else set()
    for c in candidates:
        bar = bars[c.diary.site_slug]
        listed = c.diary.diary_id in bar.on_list or (
            not bar.ladder and c.series.score >= bar.value > 0)
        position = list_position(rec_lists.get(c.diary.site_slug), c.diary.diary_id)
        if listed:
            row = _protect(c, bar, position, budgets, n_online, now)
            if row is not None:
                rows[row.group].append(row)
            continue
        gap = bar.value + ENTER_MARGIN - c.projected(REACH_HOURS)
        off_list.append((math.ceil(gap + AGE_COST_PER_HOUR * c.age), -c.series.score,
                         math.ceil(gap), c))
    # Cheapest gap first: a rec where it tips a diary over is worth more than ten where not.
    off_list.sort(key=lambda x: (x[0], x[1], x[3].diary.diary_id))
    for _, _, first_gap, c in off_list:
        slug = c.diary.site_slug
        bar = bars[slug]
        pace = c.pace
        if bar.value + ENTER_MARGIN <= c.projected(ON_ITS_OWN_HOURS):
            rows["watch"].append(_row(c, "watch", 0, (), bar, (
                f"gaining {_rate(pace)} recs an hour on its own: no help needed"
                if pace >= 1 else "close to the list on its own: no help needed")))
            continue
        target = bar.after_pushes(pushes.get(slug, 0), c.site.rec_slots)
        if target is not None and _displaces(bar, pushes.get(slug, 0), holding):
            rows["watch"].append(_row(c, "watch", first_gap, (), bar, (
                f"needs ~{first_gap} more; lifting it now would push a diary you just "
                f"lifted off the list — {_online(n_online, short=True)}"),
                team_could=first_gap <= budgets.could(c.diary.diary_id)))
            continue
        need = None
        if target is not None:
            need = max(1, math.ceil(target + ENTER_MARGIN - c.projected(REACH_HOURS)))
        helpers = budgets.helpers(c.diary.diary_id) if need is not None else []
        if (need is not None and need > len(helpers) and helpers and not big_team
                and _early_push_lifts(c, target, len(helpers))):
            chosen = budgets.take(helpers)
            pushes[slug] = pushes.get(slug, 0) + 1
            rows["act"].append(_row(c, "act", len(chosen), chosen, bar, (
                f"young and climbing: needs about {_recs(need)}, and recs given now still "
                f"count when its readers come — {_online(n_online)}")))
            continue
        if need is not None and need <= len(helpers):
            # Ask for what crosses now, if there are hands for it: momentum may fade.
            now_need = math.ceil(target + ENTER_MARGIN - c.projected(ON_ITS_OWN_HOURS))
            need = min(len(helpers), max(need, now_need))
            reason = (f"needs about {_recs(need)} in the next {_minutes(REACH_HOURS)} "
                      f"to reach the list — {_online(n_online)}")
            if big_team and need < len(helpers):
                # Spare hands, and budget unspent this hour is lost: all of them join, so
                # it stays on while the bar climbs and its new readers arrive.
                reason += f"; all {len(helpers)} of you who can, to keep it there"
                need = len(helpers)
            chosen = budgets.take(helpers[:need])
            pushes[slug] = pushes.get(slug, 0) + 1
            rows["act"].append(_row(c, "act", need, chosen, bar, reason))
            continue
        coming = budgets.coming(c.diary.diary_id) if need is not None and helpers else 0
        if coming and need <= len(helpers) + coming:
            # Those online now start the push; the shift about to begin finishes it.
            chosen = budgets.take(helpers)
            pushes[slug] = pushes.get(slug, 0) + 1
            rows["act"].append(_row(c, "act", need, chosen, bar, (
                f"needs about {_recs(need)} to reach the list: {len(chosen)} from you now, "
                f"the rest from the next shift in {_minutes(_next_shift(budgets, now))}")))
            continue
        shown = need if need is not None else first_gap
        rows["watch"].append(_row(c, "watch", shown, (), bar,
                                  f"needs ~{shown} more; {_online(n_online, short=True)}",
                                  team_could=shown <= budgets.could(c.diary.diary_id)))
    _spend_before_shift_end(off_list, budgets, bars, rows, now, n_online)
    for group in rows.values():
        group.sort(key=lambda r: (r.need, -r.score, r.diary_id) if r.group != "watch"
                   else (r.need == 0, r.need, -r.score, r.diary_id))
    return rows["act"] + rows["protect"] + rows["watch"]


def _early_push_lifts(c: _Candidate, target: float, hands: int) -> bool:
    """Under a step table, would this young diary's own pace over the next
    EARLY_PACE_HOURS plus ``hands`` recs now (at their weight once past the first step)
    reach the list? A rec given early counts as much at its peak as one given then."""
    curve = c.site.aging
    if curve.kind != "step" or c.age >= EARLY_AGE_HOURS:
        return False
    later = curve.weight(REACH_HOURS) / max(curve.weight(0.0), 1e-9)
    early = c.series.score + c.pending + c.pace * EARLY_PACE_HOURS
    return early + later * hands >= target + ENTER_MARGIN


def _displaces(bar: Bar, pushes: int, holding: set[int]) -> bool:
    """Would one more lift on this site (after ``pushes``) push a holding diary off?"""
    index = len(bar.ladder_ids) - 1 - pushes
    return 0 <= index < len(bar.ladder_ids) and bar.ladder_ids[index] in holding


def _protect(c: _Candidate, bar: Bar, position: int | None, budgets: _Budgets,
             n_online: int, now: datetime) -> RecRow | None:
    """A listed diary sitting near the first one off the list: top it up if we can."""
    # Threatened by the best diary we see off the list, or, at the bottom of the list, by
    # the ones we do not see (off-topic diaries we do not poll) climbing past the bar.
    threat = max(bar.first_off, bar.value if c.series.score <= bar.value + 1e-9 else 0.0)
    margin = c.projected(ON_ITS_OWN_HOURS) - threat
    if margin >= PROTECT_MARGIN or threat <= 0:
        return None  # clear of the bar: leave it alone
    need = max(1, math.ceil(PROTECT_MARGIN - margin))
    helpers = budgets.helpers(c.diary.diary_id)
    where = f"#{position} of {c.site.rec_slots} on the rec list" if position else "on the rec list"
    drops = _minutes_to_drop(c, threat)
    if need > len(helpers):
        return _row(c, "watch", need, (), bar,
                    f"{where}, may drop off in about {_minutes(drops)}; needs ~{need} more, "
                    f"{_online(n_online, short=True)}", position=position)
    return _row(c, "protect", need, budgets.take(helpers[:need]), bar, (
        f"{where}, drops off in about {_minutes(drops)} unless it gets {_recs(need)} — "
        f"{_online(n_online, verb='are')}"), position=position)


def _spend_before_shift_end(off_list, budgets: _Budgets, bars, rows, now, n_online) -> None:
    """Budget not spent by the end of a shift is lost: give it to the young diaries nearest
    the bar, where an early rec still counts fully when their peak comes."""
    leaving = [t for t in budgets.online if t.online_until is not None
               and _hours(_utc(t.online_until), now) <= SHIFT_END_HOURS
               and budgets.left[t.user_id] > 0]
    if not leaving:
        return
    acting = {r.diary_id for r in rows["act"]}
    young = [c for _, _, gap, c in off_list if gap > 0 and c.age < YOUNG_HOURS]
    extra: dict[int, list[int]] = {}
    for t in leaving:
        for c in young:
            if budgets.left[t.user_id] <= 0:
                break
            if c.diary.diary_id not in t.recommended:
                budgets.take([t])
                extra.setdefault(c.diary.diary_id, []).append(t.user_id)
    by_id = {c.diary.diary_id: c for c in young}
    for diary_id, helpers in extra.items():
        c = by_id[diary_id]
        rows["watch"] = [r for r in rows["watch"] if r.diary_id != diary_id]
        if diary_id in acting:
            continue
        rows["act"].append(_row(c, "act", len(helpers), tuple(helpers),
                                bars[c.diary.site_slug],
                                "young and among the nearest to the list: a rec now counts "
                                "fully when its readers come — your shift is ending"))


def _next_shift(budgets: _Budgets, now: datetime) -> float:
    return min((_hours(_utc(t.online_from), now) for t in budgets.arriving), default=0.0)


def _row(c: _Candidate, group: Group, need: int, helpers: tuple[int, ...], bar: Bar,
         reason: str, position: int | None = None, team_could: bool = False) -> RecRow:
    return RecRow(c.diary.diary_id, c.diary.site_slug, group, need, helpers, reason,
                  c.series.score + c.pending, bar.value, c.pace, position, team_could)


def _minutes_to_drop(c: _Candidate, first_off: float) -> float:
    """Hours until the diary's score, aging and gaining at its pace, falls to ``first_off``."""
    curve = c.site.aging
    for step in range(1, 73):
        h = step / 12
        later = c.series.score * curve.weight(h) + c.pace * h
        if later < first_off:
            return h
    return 6.0


def _recs(n: int) -> str:
    return plural(n, "more rec")


def _rate(per_hour: float) -> str:
    return str(int(per_hour + 0.5))


def _minutes(hours: float) -> str:
    minutes = max(5, int(round(hours * 60 / 5)) * 5)
    return f"{minutes} min" if minutes < 90 else f"{minutes / 60:.0f} h"


def _online(n: int, short: bool = False, verb: str = "") -> str:
    if n == 0:
        return "nobody on the team is online"
    if short:
        return f"{n} of you online"
    verb = verb or ("is" if n == 1 else "")
    return f"{n} of you {verb} online".replace("  ", " ")
