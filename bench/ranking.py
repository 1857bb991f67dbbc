"""Does following Boost today put more health-care diaries on a rec list? A simulated proof.

A day of a Daily Kos-like site, minute by minute (the model and where its figures come from
are in docs/ranking.md, "Proof by simulation"): about 200 diaries a day, 12 % on health
care, arrivals and readers shaped by the hour, organic recommends driven by each diary's
quality and its exposure (the newest list, the rec list), and a rec list of the k best aged
scores. A team works two 5-hour shifts; every 5 minutes (a poll) each teammate on shift
recommends what their policy tells them, at most once per diary and 6 an hour.

Policies, run on identical worlds (paired seeds: the same diaries, qualities and random
draws, so the differences are the team's doing):
  none    no team at all: the organic baseline that "extra placements" are counted from;
  newest  every teammate recommends the newest health-care diaries not on the list;
  hot     the same in HN "hot" order, (recs − 1)^0.8 / (age_h + 2)^1.8;
  board   the product: the team does what Boost today tells it, through the same pure
          functions the board calls, seeing only what the product sees (polled counts,
          the scraped list order);
  oracle  a planner that knows every true score now (a sanity check: a board far above it
          would mean the simulation leaks truth).
A "foresight ceiling" is printed for the exponential regimes: the placements a team that
knew the whole day in advance could reach with one well-timed push per diary per shift
(see foresight_ceiling); it shows how much room any target leaves in this world.

Run: .venv/bin/python bench/ranking.py [--seeds 20] [--jobs 2]
The last line is for machines, 10 members, exponential 2 h half-life, k = 8:
  RESULT placements_vs_newest=… placements_vs_hot=… recs_per_placement=… recs_per_placement_newest=…
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import ranking  # noqa: E402

# --- The world ------------------------------------------------------------------------
DIARIES_PER_DAY = 200
HEALTH_SHARE = 0.12
# Diaries posted per hour of the site's day (US Eastern), relative; and readers per hour.
ARRIVALS_BY_HOUR = (3, 2, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 9, 9, 8, 8, 8, 7, 7, 7, 6, 5, 4, 3)
READERS_BY_HOUR = (4, 3, 2, 1.5, 1.5, 2, 3, 5, 7, 8, 9, 9, 9, 9, 9, 9, 8, 8, 8, 8, 7, 6, 5, 4.5)
QUALITY_SIGMA = 1.0  # log-normal spread of how much readers like a diary
ORGANIC_RATE = 0.13  # recs a minute for quality 1 at the top of the newest list, mean traffic
NEWEST_MINUTES = 60.0  # exposure on the newest list fades as new diaries push it down
REC_LIST_EXPOSURE = 0.5  # a listed diary is seen by half as many as a brand-new one
INTEREST_MINUTES = 360.0  # news goes stale: every exposure draws fewer recs as a diary ages
TAIL_EXPOSURE = 0.02  # links, searches, the author's followers
STEP_TABLE = ((5, 1.0), (60, 0.75), (180, 0.5), (480, 0.25), (1440, 0.1))  # (under minutes, w)
HALF_LIFE_MINUTES = 120.0
POLL_MINUTES = 5
# Two days: the first fills the rec list; health-care diaries published on the second day
# are counted (placed = on the list at any minute), the team works on the second day, and
# the run goes on 6 h past midnight so late diaries get their chance.
WARMUP = 1440
DAY_END = 2 * 1440
RUN_END = DAY_END + 360
SHIFTS = ((9 * 60, 14 * 60), (14 * 60, 19 * 60))  # minutes after the second midnight
RECS_PER_HOUR = 6
PRODUCT_POLL_HOURS = 24  # the product stops re-reading a diary's counts at 24 h
EPOCH = datetime(2026, 1, 5, tzinfo=UTC)
SLUG = "sim"
ORACLE_MARGIN = 2.0  # the oracle aims two recs above the score it must beat
ORACLE_LOOKAHEAD = 2.0  # half hours of its own recent pace the oracle counts on
PLACED_MINUTES = 15  # placed = on the list for 15 minutes in all (three polls' worth)


@dataclass(frozen=True)
class Regime:
    curve: str  # "exp" or "step"
    slots: int
    team: int

    @property
    def label(self) -> str:
        aging = f"exp 2h k={self.slots}" if self.curve == "exp" else f"step k={self.slots}"
        return f"{aging:<11} team={self.team:<2}"


@dataclass
class World:
    """Everything random about one seeded day, drawn before any policy acts."""

    published: np.ndarray  # minute of publication
    quality: np.ndarray
    health: np.ndarray  # bool
    draws: np.ndarray  # [diary, minute] uniforms for the organic recs (common random numbers)


def make_world(seed: int) -> World:
    rng = np.random.default_rng(seed)
    weights = np.array(ARRIVALS_BY_HOUR, dtype=float)
    per_minute = np.repeat(weights / weights.sum() * DIARIES_PER_DAY / 60, 60)
    minutes = np.arange(RUN_END)
    counts = rng.poisson(per_minute[minutes % 1440])
    published = np.repeat(minutes, counts)
    n = len(published)
    return World(published=published,
                 quality=rng.lognormal(0.0, QUALITY_SIGMA, n),
                 health=rng.random(n) < HEALTH_SHARE,
                 draws=rng.random((n, RUN_END), dtype=np.float32))


def _poisson(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Inverse-CDF Poisson draws from given uniforms, so paired runs share their luck."""
    p = np.exp(-lam)
    cdf = p.copy()
    k = np.zeros(len(u), dtype=np.int32)
    for i in range(1, 12):
        more = u > cdf
        if not more.any():
            break
        k += more
        p = p * lam / i
        cdf += p
    return k


# --- What a policy sees ----------------------------------------------------------------

@dataclass
class Member:
    index: int
    shift: tuple[int, int]
    done: set[int] = field(default_factory=set)
    times: list[int] = field(default_factory=list)  # minutes of this member's recommends

    def budget_left(self, minute: int) -> int:
        return RECS_PER_HOUR - sum(1 for t in self.times if t > minute - 60)


@dataclass
class View:
    """One poll as the product sees it, plus the truth (only the oracle may read it)."""

    minute: int
    world: World
    observations: dict[int, list[ranking.Observation]]  # polled counts, thinned
    listed: list[int]  # the scraped rec list, best first
    online: list[Member]
    everyone: list[Member]
    team_log: dict[int, list[int]]  # minutes of the team's logged recommends, per diary
    regime: Regime
    true_scores: np.ndarray
    true_list: np.ndarray
    true_recent: np.ndarray  # recs in the last 15 minutes

    @property
    def now(self) -> datetime:
        return EPOCH + timedelta(minutes=self.minute)

    def published_at(self, i: int) -> datetime:
        return EPOCH + timedelta(minutes=int(self.world.published[i]))

    def health_live(self) -> list[int]:
        return [i for i in self.observations if self.world.health[i]
                and self.minute - self.world.published[i] < PRODUCT_POLL_HOURS * 60]


Plan = list[tuple[Member, int]]


def _fill_in_order(view: View, order: Sequence[int]) -> Plan:
    """Each teammate takes the first diaries in ``order`` they have not recommended."""
    plan = []
    for m in view.online:
        left = m.budget_left(view.minute)
        for i in order:
            if left <= 0:
                break
            if i not in m.done:
                plan.append((m, i))
                left -= 1
    return plan


def newest_first(view: View) -> Plan:
    listed = set(view.listed)
    order = sorted((i for i in view.health_live() if i not in listed),
                   key=lambda i: -view.world.published[i])
    return _fill_in_order(view, order)


def hn_hot(view: View) -> Plan:
    listed = set(view.listed)

    def hot(i):
        recs = view.observations[i][-1].recommends
        age_h = (view.minute - view.world.published[i]) / 60
        return max(recs - 1, 0) ** 0.8 / (age_h + 2) ** 1.8

    order = sorted((i for i in view.health_live() if i not in listed), key=lambda i: -hot(i))
    return _fill_in_order(view, order)


def oracle(view: View) -> Plan:
    """Greedy by true gap: lift a diary only when the online teammates can put it on the
    list now, counting the bar's rise from the pushes already chosen (each listed push
    moves the k-th score up a place); top up listed health-care diaries about to drop."""
    scores = view.true_scores
    slots = view.regime.slots
    listed = set(view.true_list.tolist())
    free = {m.index: m.budget_left(view.minute) for m in view.online}
    others = np.sort(scores)[::-1]
    plan: Plan = []

    def push(i: int, target: float) -> bool:
        # Its own pace carries it part of the way over the next half hour.
        coming = view.true_recent[i] * 2 * ORACLE_LOOKAHEAD
        need = max(1, math.ceil(target - scores[i] - coming))
        helpers = [m for m in view.online if free[m.index] > 0 and i not in m.done]
        if need > len(helpers):
            return False
        helpers.sort(key=lambda m: -free[m.index])
        for m in helpers[:need]:
            plan.append((m, i))
            free[m.index] -= 1
        return True

    live = [i for i in view.health_live()]
    # Listed diaries within a rec of the first one off the list: keep them on.
    first_off = others[slots] if len(others) > slots else 0.0
    for i in sorted((i for i in live if i in listed), key=lambda i: scores[i]):
        if scores[i] < first_off + ORACLE_MARGIN:
            push(i, first_off + ORACLE_MARGIN)
    pushed = 0
    for _, i in sorted((scores[i], i) for i in live if i not in listed)[::-1]:
        rank_needed = slots - pushed  # every push already chosen takes one place
        if rank_needed < 1:
            break
        target = others[rank_needed - 1] + ORACLE_MARGIN if len(others) >= rank_needed else 0
        if push(i, target):
            pushed += 1
    return plan


def product_curve(regime: Regime) -> ranking.Curve:
    """The aging rule the product uses for the site: configured (or, with list snapshots,
    learned), never read from the world."""
    if regime.curve == "exp":
        return ranking.Curve.exponential(HALF_LIFE_MINUTES / 60)
    return ranking.Curve.step()


def board(view: View) -> Plan:
    """What Boost today orders: ranking.plan_board over what the product sees (polled
    counts of the live health-care diaries and the listed ones, the scraped list's order,
    who is on shift with what budget left), then each teammate does their list."""
    settings = ranking.SiteSettings(SLUG, "Simulated Kos", rec_slots=view.regime.slots,
                                    half_life_hours=HALF_LIFE_MINUTES / 60,
                                    curve=product_curve(view.regime))
    inputs = [ranking.DiaryInput(i, SLUG, view.published_at(i),
                                 1.0 if view.world.health[i] else 0.0,
                                 view.observations[i], len(view.team_log.get(i, ())))
              for i in view.observations]
    rec_list = ranking.RecList(SLUG, view.now, tuple(view.listed))
    team = [ranking.Teammate(m.index, m.budget_left(view.minute),
                             EPOCH + timedelta(minutes=WARMUP + m.shift[1]), frozenset(m.done))
            for m in view.online]
    # Teammates whose shift starts later today (the product reads them off the shift rota).
    team += [ranking.Teammate(m.index, RECS_PER_HOUR, None, frozenset(m.done), online=False,
                              online_from=EPOCH + timedelta(minutes=WARMUP + m.shift[0]))
             for m in view.everyone if m not in view.online
             and m.shift[0] > view.minute - WARMUP]
    log = {i: [EPOCH + timedelta(minutes=t) for t in times]
           for i, times in view.team_log.items()}
    plan = ranking.plan_board(inputs, {SLUG: settings}, view.now, {SLUG: rec_list}, team, log)
    members = {m.index: m for m in view.online}
    return [(members[uid], i) for uid, ids in plan.assignments.items() for i in ids]


POLICIES: dict[str, Callable[[View], Plan] | None] = {
    "none": None, "newest": newest_first, "hot": hn_hot, "board": board, "oracle": oracle}


# --- One day ----------------------------------------------------------------------------

@dataclass(frozen=True)
class DayResult:
    placements: int
    team_recs: int
    distinct_listed: int = 0  # diaries on the list at some minute of the counted day
    bar: float = 0.0  # mean k-th best true score over the shift hours
    placed: tuple[int, ...] = ()  # which diaries


def _team(size: int) -> list[Member]:
    first = (size + 1) // 2
    return [Member(i, SHIFTS[0] if i < first else SHIFTS[1]) for i in range(size)]


def run_day(world: World, regime: Regime, policy: Callable[[View], Plan] | None) -> DayResult:
    n = len(world.published)
    readers = np.array(READERS_BY_HOUR, dtype=float)
    readers = readers / readers.mean()
    cum = np.zeros((n, RUN_END + 1), dtype=np.int32)
    score = np.zeros(n)
    decay = 0.5 ** (1 / HALF_LIFE_MINUTES)
    listed_mask = np.zeros(n, dtype=bool)
    listed_order = np.zeros(0, dtype=np.int64)
    minutes_listed = np.zeros(n, dtype=np.int32)
    counted = world.health & (world.published >= WARMUP) & (world.published < DAY_END)
    members = _team(regime.team) if policy is not None else []
    # The product's poll history: every poll, and a 15-minute subset for older stretches.
    polls: dict[int, list[ranking.Observation]] = defaultdict(list)
    quarter: dict[int, list[ranking.Observation]] = defaultdict(list)
    team_log: dict[int, list[int]] = defaultdict(list)
    team_recs = 0
    ever_listed = np.zeros(n, dtype=bool)
    bars = []
    for t in range(RUN_END):
        age = t - world.published
        alive = age >= 0
        team_new = np.zeros(n, dtype=np.int32)
        if t % POLL_MINUTES == 0:
            _record_polls(world, t, cum[:, t], listed_mask, polls, quarter)
            day_minute = t - WARMUP
            online = [m for m in members if m.shift[0] <= day_minute < m.shift[1]]
            if online:
                view = View(t, world, _observed(t, polls, quarter),
                            [int(i) for i in listed_order], online, members, team_log, regime,
                            score.copy(), listed_order, cum[:, t] - cum[:, max(t - 15, 0)])
                for m, i in policy(view):
                    if (i in m.done or m.budget_left(t) <= 0 or not alive[i]
                            or m not in online):
                        raise AssertionError(f"policy broke the rules: member {m.index}, {i}")
                    m.done.add(i)
                    m.times.append(t)
                    team_new[i] += 1
                    team_log[i].append(t)
                    team_recs += 1
        hour = (t // 60) % 24
        aged = np.maximum(age, 0)
        exposure = ((np.exp(-aged / NEWEST_MINUTES) + TAIL_EXPOSURE
                     + REC_LIST_EXPOSURE * listed_mask) * np.exp(-aged / INTEREST_MINUTES))
        lam = np.where(alive & (age < 2 * 1440),
                       ORGANIC_RATE * world.quality * readers[hour] * exposure, 0.0)
        new = _poisson(world.draws[:, t], lam) + team_new
        cum[:, t + 1] = cum[:, t] + new
        score = score * decay + new if regime.curve == "exp" else _step_score(cum, t + 1)
        top = np.argsort(-score, kind="stable")[:regime.slots]
        listed_order = top[score[top] > 0]
        listed_mask[:] = False
        listed_mask[listed_order] = True
        minutes_listed += listed_mask
        if WARMUP <= t < DAY_END:
            ever_listed |= listed_mask
            if SHIFTS[0][0] <= t - WARMUP < SHIFTS[-1][1] and len(top) == regime.slots:
                bars.append(score[top[-1]])
    placed = counted & (minutes_listed >= PLACED_MINUTES)
    return DayResult(int(placed.sum()), team_recs, int(ever_listed.sum()),
                     float(np.mean(bars)) if bars else 0.0, tuple(np.nonzero(placed)[0].tolist()))


def _step_score(cum: np.ndarray, t: int) -> np.ndarray:
    total = np.zeros(cum.shape[0])
    newer = cum[:, t]
    for minutes, weight in STEP_TABLE:
        older = cum[:, max(t - minutes, 0)]
        total += weight * (newer - older)
        newer = older
    return total


def _record_polls(world, t, counts, listed_mask, polls, quarter):
    """The product polls health-care diaries under 24 h, and whatever its list scrape shows."""
    at = EPOCH + timedelta(minutes=t)
    age = t - world.published
    due = np.nonzero((age >= 0) & (((age < PRODUCT_POLL_HOURS * 60) & world.health)
                                   | ((age < PRODUCT_POLL_HOURS * 60) & listed_mask)))[0]
    for i in due.tolist():
        obs = ranking.Observation(at, int(counts[i]), 0)
        polls[i].append(obs)
        if t % 15 == 0:
            quarter[i].append(obs)


def _observed(t, polls, quarter) -> dict[int, list[ranking.Observation]]:
    """Every poll of the last 2 h, one per quarter hour before (keeps the bench minutes,
    not hours; recs between two kept polls are dated at the later one, as the product does)."""
    cutoff = EPOCH + timedelta(minutes=t - 120)
    horizon = EPOCH + timedelta(minutes=t - PRODUCT_POLL_HOURS * 60 - 60)
    seen = {}
    for i, obs in polls.items():
        if obs[-1].at < horizon:
            continue
        older = [o for o in quarter[i] if o.at < cutoff]
        seen[i] = older + [o for o in obs[-25:] if o.at >= cutoff]
    return seen


# --- A ceiling with perfect foresight ---------------------------------------------------

def foresight_ceiling(world: World, regime: Regime) -> int:
    """Placements if the team knew the whole future (exponential aging): every counted
    health-care diary placed with no team, plus every one that a single push by a full
    shift (each member's one rec, at the best poll of either shift), or one push from each
    shift, would keep on the list for PLACED_MINUTES, every other diary's day held as it
    was with no team. No policy that sees only the present does better than this bound in
    practice; it shows how much room the targets leave."""
    if regime.curve != "exp":
        raise ValueError("the foresight ceiling is computed for exponential aging only")
    n, k = len(world.published), regime.slots
    readers = np.array(READERS_BY_HOUR, dtype=float)
    readers = readers / readers.mean()
    decay = 0.5 ** (1 / HALF_LIFE_MINUTES)
    score = np.zeros(n)
    listed = np.zeros(n, dtype=bool)
    scores = np.zeros((RUN_END + 1, n), dtype=np.float32)
    for t in range(RUN_END):
        age = t - world.published
        aged = np.maximum(age, 0)
        exposure = ((np.exp(-aged / NEWEST_MINUTES) + TAIL_EXPOSURE
                     + REC_LIST_EXPOSURE * listed) * np.exp(-aged / INTEREST_MINUTES))
        lam = np.where((age >= 0) & (age < 2 * 1440),
                       ORGANIC_RATE * world.quality * readers[(t // 60) % 24] * exposure, 0.0)
        score = score * decay + _poisson(world.draws[:, t], lam)
        top = np.argsort(-score, kind="stable")[:k]
        listed[:] = False
        listed[top[score[top] > 0]] = True
        scores[t + 1] = score
    best = -np.partition(-scores, k, axis=1)[:, :k + 1]
    best.sort(axis=1)
    best = best[:, ::-1]  # the k+1 best after each minute, best first

    rival = np.where(scores >= best[:, k - 1:k], best[:, k:k + 1], best[:, k - 1:k])
    rival = np.maximum(rival, 0.0)  # [minute, diary]: the k-th best of the others

    def minutes_listed(d: int, pushes: dict[int, int]) -> int:
        """The diary's day again with the team's pushes (its own recs, exposure and all)."""
        s, on, total = 0.0, False, 0
        start = int(world.published[d])
        draws = world.draws[d].tolist()
        bars = rival[:, d].tolist()
        for t in range(start, min(RUN_END, start + 2 * 1440)):
            age = t - start
            exposure = ((math.exp(-age / NEWEST_MINUTES) + TAIL_EXPOSURE
                         + REC_LIST_EXPOSURE * on) * math.exp(-age / INTEREST_MINUTES))
            lam = ORGANIC_RATE * world.quality[d] * readers[(t // 60) % 24] * exposure
            s = s * decay + _poisson_one(draws[t], lam) + pushes.get(t, 0)
            on = s > bars[t + 1]
            total += on
            if total >= PLACED_MINUTES:
                break
        return total

    shifts = [(WARMUP + a, WARMUP + b) for a, b in SHIFTS]
    lift = [sum(1 for m in _team(regime.team) if m.shift == sh) for sh in SHIFTS]
    counted = np.nonzero(world.health & (world.published >= WARMUP)
                         & (world.published < DAY_END))[0]
    placed = 0
    for d in counted.tolist():
        if int((scores[:, d] > rival[:, d]).sum()) >= PLACED_MINUTES:
            placed += 1
            continue
        polls = [[t for t in range(a, b, POLL_MINUTES)
                  if 0 <= t - world.published[d] < PRODUCT_POLL_HOURS * 60] for a, b in shifts]
        gap = {t: float(rival[t, d] - scores[t, d]) for ts in polls for t in ts}
        options = [{t: lift[i]} for i, ts in enumerate(polls) for t in ts
                   if gap[t] <= lift[i] + 2]
        options += [{t1: lift[0], t2: lift[1]}
                    for t1 in polls[0][-12:] if gap[t1] <= sum(lift) + 2
                    for t2 in polls[1][:12] if gap[t2] <= sum(lift) + 2]
        if any(minutes_listed(d, p) >= PLACED_MINUTES for p in options):
            placed += 1
    return placed


def _poisson_one(u: float, lam: float) -> int:
    """``_poisson`` for one draw, in plain floats (the ceiling replays one diary at a time)."""
    p = math.exp(-lam)
    cdf, k = p, 0
    for i in range(1, 12):
        if u <= cdf:
            break
        k += 1
        p = p * lam / i
        cdf += p
    return k


# --- The experiment --------------------------------------------------------------------

REGIMES = [Regime("exp", 8, size) for size in (5, 10, 20, 30)] + [
    Regime("step", 12, size) for size in (5, 10, 20, 30)]
HEADLINE = Regime("exp", 8, 10)


def run_seed(args: tuple[int, Sequence[Regime], Sequence[str]]) -> dict:
    seed, regimes, names = args
    world = make_world(seed)
    out = {}
    baselines = {}
    for regime in regimes:
        key0 = (regime.curve, regime.slots)
        if key0 not in baselines:
            baselines[key0] = run_day(world, Regime(regime.curve, regime.slots, 0), None)
        out[(regime, "none")] = baselines[key0]
        for name in names:
            if name != "none":
                out[(regime, name)] = run_day(world, regime, POLICIES[name])
        if regime.curve == "exp":
            out[(regime, "ceiling")] = DayResult(foresight_ceiling(world, regime), 0)
    return out


def summarise(results: list[dict], regimes, names) -> list[str]:
    days = len(results)
    lines = []
    figures = {}
    for regime in regimes:
        base = sum(r[(regime, "none")].placements for r in results) / days
        parts = [f"{regime.label} none {base:5.2f}"]
        for name in names:
            if name == "none":
                continue
            placed = sum(r[(regime, name)].placements for r in results) / days
            recs = sum(r[(regime, name)].team_recs for r in results) / days
            extra = placed - base
            per = recs / extra if extra > 0 else math.inf
            figures[(regime, name)] = (placed, recs, per)
            parts.append(f"{name} {placed:5.2f} ({recs:4.0f} recs, {per:6.1f}/extra)")
        if (regime, "ceiling") in results[0]:
            ceiling = sum(r[(regime, "ceiling")].placements for r in results) / days
            parts.append(f"foresight ceiling {ceiling:5.2f}")
        lines.append(" | ".join(parts))
    if HEADLINE in regimes and {"newest", "hot", "board"} <= set(names):
        b, n, h = (figures[(HEADLINE, k)] for k in ("board", "newest", "hot"))
        lines.append(
            f"RESULT placements_vs_newest={b[0] / n[0]:.2f} placements_vs_hot={b[0] / h[0]:.2f}"
            f" recs_per_placement={b[2]:.1f} recs_per_placement_newest={n[2]:.1f}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=20, help="seeded days per regime")
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--regimes", default="all", help="'all' or 'headline'")
    parser.add_argument("--policies", default=",".join(POLICIES))
    args = parser.parse_args(argv)
    regimes = REGIMES if args.regimes == "all" else [HEADLINE]
    names = [p for p in args.policies.split(",") if p in POLICIES]
    tasks = [(s, regimes, names)
             for s in range(args.first_seed, args.first_seed + args.seeds)]
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            results = list(pool.map(run_seed, tasks))
    else:
        results = [run_seed(t) for t in tasks]
    print(f"{len(results)} seeded days; placements/day (team recs/day, team recs per extra "
          f"placement vs no team)")
    for line in summarise(results, regimes, names):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
