"""Boost today: which live health-care diaries need what now, for one teammate.

load (a handful of queries: sites, live diaries, their last 48 h of counts in one query,
team actions, cross-post groups, who is online) → ``app.ranking.plan_board`` (pure: the
recommend groups act / protect / watch and who does what, beside the comment and
cross-post needs) → rows for the page, the API and the Atom feed. The diary page's
breakdown (``diary_detail``) uses the same loader, the same plan and ``ranking.assess``.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import lookup, ranking
from app.boost import board_cache, our_diaries
from app.boost.actions import is_web_url
from app.boost.charts import SPARK_MAX_POINTS, thin
from app.boost.presence import team_state
from app.errors import NotFound, ValidationError
from app.shifts.status import ShiftNow, current_shift
from app.sources import scrape_health
from app.sources.site_aging import LatestList, latest_lists
from app.sources.sites import site_settings
from models import Action, Diary, DiaryMetric, Site, User

NEED_KINDS = ("recommend", "comment", "crosspost")
NEED_LABELS = {"recommend": "Recs", "comment": "Comments", "crosspost": "Cross-post"}
# The ranking model wants the last 48 h of polls; older recs are spread from publication.
METRIC_HOURS = 48
SECTIONS = (("act", "Recommend now"), ("protect", "Keep on the rec list"),
            ("other", "Comments and cross-posts"), ("watch", "Watch: out of reach for now"))
SECTION_TITLES = dict(SECTIONS)
# Nobody works through more than this in one sitting; filters reach the rest.
PAGE_LIMIT = 30

Point = tuple[datetime, int]


@dataclass(frozen=True)
class SiteOption:
    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class BoostRow:
    diary_id: int
    title: str
    url: str | None  # only http(s) links; None means "show the title as text"
    site_id: int
    site_slug: str
    site_name: str
    author: str | None
    published_at: datetime
    recommends: int | None  # None: unknown, shown as "—"
    comments: int | None
    counts_read_at: datetime | None  # when the shown counts were read
    rec_points: tuple[Point, ...]
    com_points: tuple[Point, ...]
    needs: tuple[ranking.Need, ...]
    priority: float
    team_actions: int
    teammates: int  # distinct teammates who logged something here
    mine: frozenset[str]  # action kinds the viewer logged
    crosspost_options: tuple[SiteOption, ...]  # sites the viewer may still log a cross-post to
    on_shift: bool = False
    group: str | None = None  # act / protect / watch for recommends; None: other needs only
    for_you: bool = False  # the plan asks the viewer to recommend it now
    ours: str | None = None  # the teammate who wrote it (their username on the site)

    @property
    def need_kinds(self) -> tuple[str, ...]:
        return tuple(n.kind for n in self.needs)


@dataclass(frozen=True)
class BoostPage:
    rows: list[BoostRow]
    total: int  # rows matching the filters before the page limit
    sites: list[SiteOption]
    site: str | None
    need: str | None
    shift: ShiftNow | None
    generated_at: datetime
    online: int = 0  # teammates at the board now, the viewer included

    @property
    def sections(self) -> list[tuple[str, str, list[BoostRow]]]:
        """The rows in the board's groups, in order, empty groups left out."""
        out = []
        for key, title in SECTIONS:
            rows = [r for r in self.rows if (r.group or "other") == key]
            if rows:
                out.append((key, title, rows))
        return out


@dataclass
class _Live:
    """Everything ``rank`` needs, loaded in a fixed number of queries."""

    sites: dict[int, Site]
    settings: dict[str, ranking.SiteSettings]
    diaries: list = field(default_factory=list)  # Row(id, site_id, title, ...)
    observations: dict[int, list[ranking.Observation]] = field(default_factory=dict)
    actions: list = field(default_factory=list)  # Row(diary_id, user_id, kind, target_site_id)
    group_sites: dict[int, set[int]] = field(default_factory=dict)
    lists: dict[int, LatestList] = field(default_factory=dict)  # latest scraped, by site id
    owners: dict[int, str] = field(default_factory=dict)  # our own diaries: id → teammate
    prefer_ours: bool = False  # the team gives its own diaries priority


def _window_hours(site: Site) -> float:
    return max(site.rec_window_hours, site.crosspost_window_hours,
               ranking.tuning.COMMENT_WINDOW_HOURS)


def _load(session: Session, now: datetime, only_site_id: int | None = None) -> _Live:
    sites = {s.id: s for s in session.scalars(select(Site).order_by(Site.name))}
    live = _Live(sites=sites, settings={s.slug: site_settings(s) for s in sites.values()})
    wanted = [s for s in sites.values() if s.enabled
              and (only_site_id is None or s.id == only_site_id)]
    if not wanted:
        return live
    cutoff = now - timedelta(hours=max(_window_hours(s) for s in wanted))
    live.lists = latest_lists(session, [s.id for s in wanted])
    listed = sorted({i for rec_list in live.lists.values() for i in rec_list.diary_ids})
    # On-topic diaries, plus those on the latest scraped rec lists whatever their age:
    # those set the site's bar.
    live_ids = (select(Diary.id)
                .where(((Diary.site_id.in_([s.id for s in wanted])
                         & (Diary.published_at >= cutoff)
                         & ((Diary.topic_score > 0) | Diary.on_rec_list.is_(True))))
                       | Diary.id.in_(listed or [-1])))
    # Core rows on the session's connection: the ORM's row bookkeeping was a fifth of
    # the load for thousands of live diaries.
    live.diaries = session.connection().execute(
        select(Diary.id, Diary.site_id, Diary.title, Diary.url, Diary.author,
               Diary.published_at, Diary.topic_score, Diary.recommends, Diary.comments,
               Diary.crosspost_group_id, Diary.on_rec_list, Diary.counts_read_at)
        .where(Diary.id.in_(live_ids))
    ).all()
    if not live.diaries:
        return live
    live.owners = our_diaries.diary_owners(session, live.diaries)
    live.prefer_ours = bool(live.owners) and our_diaries.prefer_ours(session)
    observations: dict[int, list[ranking.Observation]] = defaultdict(list)
    # Core execution on the session's connection (no ORM row bookkeeping), and streamed
    # rather than .all(): each row dies young, so thousands of rows alive at once do not
    # get promoted and trigger the GC's full collections (~90 ms each on the app's heap).
    # In batches: one driver call per row was a fifth of the load.
    for batch in session.connection().execute(
            select(DiaryMetric.diary_id, DiaryMetric.observed_at, DiaryMetric.recommends,
                   DiaryMetric.comments)
            .where(DiaryMetric.diary_id.in_(live_ids),
                   DiaryMetric.observed_at >= now - timedelta(hours=METRIC_HOURS))
            .order_by(DiaryMetric.diary_id, DiaryMetric.observed_at)).partitions(2000):
        for diary_id, at, recs, comments in batch:
            observations[diary_id].append(ranking.Observation(at, recs, comments))
    for d in live.diaries:
        # A metric row is written when counts change or hourly (scrapers.store), so a
        # diary read five minutes ago with unchanged counts (a day-old list entry) would
        # look an hour stale and drop out of the bar. Its row says when it was last read.
        seen = observations.get(d.id)
        if (d.counts_read_at is not None and d.recommends is not None
                and d.counts_read_at >= now - timedelta(hours=METRIC_HOURS)
                and (not seen or seen[-1].at < d.counts_read_at)):
            observations[d.id].append(
                ranking.Observation(d.counts_read_at, d.recommends, d.comments))
    live.observations = observations
    live.actions = session.connection().execute(
        select(Action.diary_id, Action.user_id, Action.kind, Action.target_site_id)
        .where(Action.diary_id.in_(live_ids))).all()
    groups = {d.crosspost_group_id for d in live.diaries if d.crosspost_group_id is not None}
    if groups:
        for group_id, site_id in session.execute(
                select(Diary.crosspost_group_id, Diary.site_id)
                .where(Diary.crosspost_group_id.in_(groups))):
            live.group_sites.setdefault(group_id, set()).add(site_id)
    return live


def _scraped_bars(live: _Live, now: datetime) -> dict[str, float | None]:
    """Lowest aged score on each scraped rec list, for sites whose list we scrape."""
    bars: dict[str, float | None] = {}
    diaries = {d.id: d for d in live.diaries}
    for slug, rec_list in _rec_lists(live).items():
        scores = [ranking.aged_score(live.observations.get(i, ()), now,
                                     live.settings[slug].aging, diaries[i].published_at)
                  for i in rec_list.diary_ids if i in diaries]
        if scores:
            bars[slug] = min(scores)
    return bars


def _rec_lists(live: _Live) -> dict[str, ranking.RecList]:
    """Each site's latest scraped list, in the site's order (best first)."""
    return {live.sites[site_id].slug: ranking.RecList(live.sites[site_id].slug,
                                                      rec_list.taken_at, rec_list.diary_ids)
            for site_id, rec_list in live.lists.items() if site_id in live.sites}


def _plan(session: Session, live: _Live, user: User | None, now: datetime
          ) -> ranking.BoardPlan:
    """The board's decision over what was loaded; the viewer counts as online (they are
    looking at the board now, and their tab's heartbeat says so within the minute)."""
    return _plan_and_team(session, live, user, now)[0]


def _plan_and_team(session: Session, live: _Live, user: User | None, now: datetime
                   ) -> tuple[ranking.BoardPlan, list[ranking.Teammate]]:
    team, log = team_state(session, now, [d.id for d in live.diaries])
    team = [t if user is None or t.user_id != user.id or t.online else
            ranking.Teammate(t.user_id, t.budget_left, t.online_until, t.recommended, True)
            for t in team]
    plan = ranking.plan_board(_inputs(live), live.settings, now, _rec_lists(live), team, log,
                              prefer_ours=live.prefer_ours)
    return plan, team


def team_plan(session: Session, now: datetime
              ) -> tuple[_Live, list[ranking.Teammate], ranking.BoardPlan]:
    """The board's decision with no viewer: only those really online count as online (the
    calls for help in ``app.alerts.service`` start from it)."""
    live = _load(session, now)
    team, log = team_state(session, now, [d.id for d in live.diaries])
    return live, team, ranking.plan_board(_inputs(live), live.settings, now, _rec_lists(live),
                                          team, log, prefer_ours=live.prefer_ours)


_GROUP_ORDER = {"act": 0, "protect": 1, None: 2, "watch": 3}


def _ranked(plan: ranking.BoardPlan, user: User) -> list[tuple[ranking.RankedDiary, str | None,
                                                              bool]]:
    """One entry per diary: the recommend row's need (if any) beside its other needs, in
    board order: act (the viewer's own first), protect, other needs, watch."""
    others = {r.diary_id: r for r in plan.others}
    entries = []
    for row in plan.rows:
        rec = ranking.Need("recommend", float(row.need), 1.0 if row.group != "watch" else 0.0,
                           row.reason)
        other = others.pop(row.diary_id, None)
        group = row.group if row.group != "watch" or other is None else None
        # What the viewer can do now comes first; a watch note after the other needs.
        rest = other.needs if other else ()
        needs = (rec, *rest) if row.group != "watch" else (*rest, rec)
        ranked = ranking.RankedDiary(row.diary_id, row.site_slug,
                                     other.priority if other else 0.0, needs,
                                     row.score, row.bar, row.pace)
        entries.append((ranked, group, user.id in row.helpers))
    entries.extend((r, None, False) for r in others.values())
    # Stable: the plan's order holds within each group, and other needs by priority.
    entries.sort(key=lambda e: (_GROUP_ORDER[e[1]], not e[2],
                                -e[0].priority if e[1] is None else 0))
    return entries


def _inputs(live: _Live) -> list[ranking.DiaryInput]:
    actions_by_diary: dict[int, int] = defaultdict(int)
    for a in live.actions:
        actions_by_diary[a.diary_id] += 1
    crossposts = defaultdict(set)
    for a in live.actions:
        if a.kind == "crosspost" and a.target_site_id in live.sites:
            crossposts[a.diary_id].add(live.sites[a.target_site_id].slug)
    inputs = []
    for d in live.diaries:
        covered = {live.sites[i].slug for i in live.group_sites.get(d.crosspost_group_id, ())
                   if i in live.sites} | crossposts[d.id]
        inputs.append(ranking.DiaryInput(
            diary_id=d.id, site_slug=live.sites[d.site_id].slug, published_at=d.published_at,
            topic_score=d.topic_score, observations=live.observations.get(d.id, ()),
            team_actions=actions_by_diary[d.id], crossposted_to=frozenset(covered),
            ours=d.id in live.owners))
    return inputs


def _shift_matches(shift: ShiftNow | None, site_id: int, kinds: Iterable[str]) -> tuple[int, int]:
    if shift is None:
        return (0, 0)
    site_ok = shift.site_id is None or shift.site_id == site_id
    focus_ok = shift.focus == "any" or shift.focus in kinds
    return (0 if site_ok else 1, 0 if focus_ok else 1)


Entry = tuple[ranking.RankedDiary, str | None, bool]  # (diary's needs, group, for the viewer)


def _rows(live: _Live, entries: Iterable[Entry], user: User,
          shift: ShiftNow | None, options: bool = True) -> list[BoostRow]:
    """Rows for ``entries`` as ``user`` sees them; ``options=False`` leaves out the
    cross-post choices (the shared board adds them per viewer)."""
    diaries = {d.id: d for d in live.diaries}
    per_diary: dict[int, list] = defaultdict(list)
    for a in live.actions:
        per_diary[a.diary_id].append(a)
    enabled = [s for s in live.sites.values() if s.enabled]
    rows = []
    for r, group, for_you in entries:
        d = diaries[r.diary_id]
        site = live.sites[d.site_id]
        acts = per_diary[d.id]
        mine = [a for a in acts if a.user_id == user.id]
        my_targets = {a.target_site_id for a in mine if a.kind == "crosspost"}
        needs = r.needs
        if shift is not None and shift.focus != "any":
            # The shift's focus first: that is the button the teammate came to press.
            needs = tuple(sorted(needs, key=lambda n: n.kind != shift.focus))
        obs = thin(live.observations.get(d.id, ()), SPARK_MAX_POINTS)
        site_ok, focus_ok = _shift_matches(shift, d.site_id, (n.kind for n in needs))
        rows.append(BoostRow(
            diary_id=d.id, title=d.title, url=d.url if is_web_url(d.url) else None,
            site_id=site.id, site_slug=site.slug, site_name=site.name, author=d.author,
            published_at=d.published_at, recommends=d.recommends, comments=d.comments,
            counts_read_at=d.counts_read_at,
            rec_points=tuple((o.at, o.recommends) for o in obs if o.recommends is not None),
            com_points=tuple((o.at, o.comments) for o in obs if o.comments is not None),
            needs=needs, priority=r.priority, team_actions=len(acts),
            teammates=len({a.user_id for a in acts}), mine=frozenset(a.kind for a in mine),
            crosspost_options=tuple(SiteOption(s.id, s.slug, s.name) for s in enabled
                                    if s.id != site.id and s.id not in my_targets)
            if options else (),
            on_shift=shift is not None and (site_ok, focus_ok) == (0, 0),
            group=group, for_you=for_you, ours=live.owners.get(d.id)))
    return rows


def _check_filters(sites: Iterable[Site], site: str | None, need: str | None) -> Site | None:
    if need is not None and need not in NEED_KINDS:
        raise ValidationError(f"Unknown need {need!r}; use one of {', '.join(NEED_KINDS)}")
    if site is None:
        return None
    for s in sites:
        if s.slug == site and s.enabled:
            return s
    raise ValidationError(f"Unknown site {site!r}")


def _pause_unreadable_sites(session: Session, entries: list, now: datetime) -> list:
    """Recommend needs of a site whose pages stopped showing recommend counts rest on stale
    numbers: they are paused (Boost today says why) rather than shown as if current. The
    diaries stay listed, last in the list, with their last known counts."""
    slugs = scrape_health.recommend_paused(session, now)
    if not slugs:
        return entries
    kept = [e for e in entries if e[0].site_slug not in slugs]
    paused = [(dataclasses.replace(ranked, needs=tuple(n for n in ranked.needs
                                                       if n.kind != "recommend")), None, False)
              for ranked, _group, _mine in entries if ranked.site_slug in slugs]
    return kept + paused


@dataclass(frozen=True)
class _SiteRef:
    id: int
    slug: str
    name: str
    enabled: bool


@dataclass(frozen=True)
class _Board:
    """The board as every viewer shares it until its inputs change (kept by
    ``board_cache``): entries in board order before the viewer's own place in it, and
    each diary's row before the viewer's marks."""

    entries: tuple[tuple[ranking.RankedDiary, str | None], ...]  # by group, then priority
    paused: tuple[ranking.RankedDiary, ...]  # sites whose pages lost their counts: last
    for_user: dict[int, frozenset[int]]  # user id -> diaries the plan asks them to push
    rows: dict[int, BoostRow]  # viewer-free rows: nothing "mine", no cross-post choices
    acts: dict[int, tuple[tuple[int, str, int], ...]]  # (user, kind, target site) per diary
    site_of: dict[int, int]
    kinds: dict[int, frozenset[str]]  # each entry's need kinds, by diary
    options: tuple[SiteOption, ...]  # enabled sites, for the cross-post choices
    online: int
    online_ids: frozenset[int]


_NOBODY = dataclasses.make_dataclass("_Nobody", [("id", int)])(-1)


def _board(session: Session, now: datetime, site_id: int | None, viewer: User | None
           ) -> _Board:
    """Load, plan and lay out the board once (``viewer``: a teammate not online yet, who
    counts as online because they are looking at it)."""
    live = _load(session, now, site_id)
    plan, team = _plan_and_team(session, live, viewer, now)
    entries = [(r, g, False) for r, g, _ in _ranked(plan, _NOBODY)]
    # Kept entries are the same objects, paused ones new (their recommend need removed).
    same = {id(e) for e in entries}
    result = _pause_unreadable_sites(session, entries, now)
    entries = [e for e in result if id(e) in same]
    paused = [e for e in result if id(e) not in same]
    for_user: dict[int, set[int]] = defaultdict(set)
    for row in plan.rows:
        for helper in row.helpers:
            for_user[helper].add(row.diary_id)
    acts: dict[int, list] = defaultdict(list)
    for a in live.actions:
        acts[a.diary_id].append((a.user_id, a.kind, a.target_site_id))
    # Cross-post choices are the viewer's (sites they have not logged): added per view.
    rows = _rows(live, [*entries, *paused], _NOBODY, None, options=False)
    return _Board(
        entries=tuple((r, g) for r, g, _ in entries), paused=tuple(r for r, _, _ in paused),
        for_user={u: frozenset(ids) for u, ids in for_user.items()},
        rows={row.diary_id: row for row in rows},
        acts={d: tuple(a) for d, a in acts.items()},
        site_of={d.id: d.site_id for d in live.diaries},
        kinds={r.diary_id: frozenset(n.kind for n in r.needs) for r, _, _ in [*entries, *paused]},
        options=tuple(SiteOption(s.id, s.slug, s.name) for s in live.sites.values()
                      if s.enabled),
        online=plan.online,
        online_ids=frozenset(t.user_id for t in team if t.online))


def _shared_board(session: Session, user: User, now: datetime, site_id: int | None) -> _Board:
    board = board_cache.cache.get(session, ("board", site_id, None), now,
                                  lambda: _board(session, now, site_id, None))
    if user.id not in board.online_ids and not board_cache.served_stale(session):
        # (From the last plan, while the new one is made: likely made before the viewer
        # came online; a plan of their own now would be a second full plan at once.)
        # The viewer is looking at the board, so the plan counts them as online.
        board = board_cache.cache.get(session, ("board", site_id, user.id), now,
                                      lambda: _board(session, now, site_id, user))
    return board


def _sites(session: Session, now: datetime) -> list[_SiteRef]:
    return board_cache.cache.get(session, ("sites",), now, lambda: [
        _SiteRef(s.id, s.slug, s.name, s.enabled)
        for s in session.scalars(select(Site).order_by(Site.name))])


def _entries_for(board: _Board, user: User) -> list[Entry]:
    """The board's entries in the viewer's order: within each group the rows the plan
    asks the viewer to recommend first (as ``_ranked`` orders them), paused sites last."""
    mine = board.for_user.get(user.id, frozenset())
    if not mine:
        entries = [(r, g, False) for r, g in board.entries]
    else:
        entries, rest, current = [], [], object()
        for r, g in board.entries:
            if g != current:
                entries.extend(rest)
                rest, current = [], g
            if r.diary_id in mine:
                entries.append((r, g, True))
            else:
                rest.append((r, g, False))
        entries.extend(rest)
    entries.extend((r, None, False) for r in board.paused)
    return entries


def _shift_first(board: _Board, entries: list[Entry], shift: ShiftNow) -> list[Entry]:
    """The stable sort by (group, shift's site, shift's focus) that ``boost_list`` did
    over every entry, in one pass: four buckets per group, in order."""
    buckets: dict[int, list[list[Entry]]] = {}
    for e in entries:
        order = _GROUP_ORDER[e[1]]
        miss_site = shift.site_id is not None and board.site_of[e[0].diary_id] != shift.site_id
        miss_focus = shift.focus != "any" and shift.focus not in board.kinds[e[0].diary_id]
        group = buckets.get(order)
        if group is None:
            group = buckets[order] = [[], [], [], []]
        group[2 * miss_site + miss_focus].append(e)
    return [e for order in sorted(buckets) for bucket in buckets[order] for e in bucket]


def _overlay(board: _Board, entries: Iterable[Entry], user: User,
             shift: ShiftNow | None) -> list[BoostRow]:
    """The shared rows with the viewer's own part: what they logged, where they may still
    cross-post, whether the plan asks them, and their shift's focus."""
    out = []
    for r, group, for_you in entries:
        row = board.rows[r.diary_id]
        mine = [(kind, target) for uid, kind, target in board.acts.get(r.diary_id, ())
                if uid == user.id]
        needs = r.needs
        if shift is not None and shift.focus != "any":
            needs = tuple(sorted(needs, key=lambda n: n.kind != shift.focus))
        targets = {target for kind, target in mine if kind == "crosspost"}
        site_ok, focus_ok = _shift_matches(shift, row.site_id, (n.kind for n in needs))
        out.append(dataclasses.replace(
            row, needs=needs, priority=r.priority, mine=frozenset(k for k, _ in mine),
            crosspost_options=tuple(o for o in board.options
                                    if o.id != row.site_id and o.id not in targets),
            on_shift=shift is not None and (site_ok, focus_ok) == (0, 0),
            group=group, for_you=for_you))
    return out


def boost_list(session: Session, user: User, now: datetime, site: str | None = None,
               need: str | None = None, limit: int = PAGE_LIMIT) -> BoostPage:
    """The board as ``user`` sees it: recommend rows grouped act / protect / watch by
    ``ranking.plan_board`` (who is online, their budgets, the scraped lists), beside the
    comment and cross-post needs.

    ``site`` (a site slug) and ``need`` (recommend/comment/crosspost) filter the list;
    unknown values raise ValidationError. During the user's shift the shift's site and
    focus come first within each group. Rows carry the needs with their one-line reasons,
    the team's and the user's own actions, and the last 48 h of counts for sparklines.
    The plan is made once per change of its inputs and shared (``board_cache``).
    """
    site = site or None
    need = need or None
    sites = _sites(session, now)
    chosen = _check_filters(sites, site, need)
    # A site's bar depends only on its own diaries, so a site filter can load less.
    board = _shared_board(session, user, now, chosen.id if chosen else None)
    entries = _entries_for(board, user)
    shift = current_shift(session, user.id, now)
    if need is not None:
        entries = [e for e in entries if need in board.kinds[e[0].diary_id]]
    if shift is not None:
        # The board's order holds within each group.
        entries = _shift_first(board, entries, shift)
    # Rows (sparklines, per-user marks) only for what is shown: the list can be long.
    rows = _overlay(board, entries[:limit], user, shift)
    options = [SiteOption(s.id, s.slug, s.name) for s in sites if s.enabled]
    return BoostPage(rows=rows, total=len(entries), sites=options, site=site, need=need,
                     shift=shift, generated_at=now, online=board.online)


def boost_row(session: Session, user: User, now: datetime, diary_id: int) -> BoostRow | None:
    """One diary's row as on Boost today (after an action); its needs are empty when it
    needs nothing now, and the result is None when the diary is no longer live."""
    diary = lookup.by_id(session, Diary, diary_id, "diary")
    board = _shared_board(session, user, now, diary.site_id)
    mine = [e for e in _entries_for(board, user) if e[0].diary_id == diary_id]
    if not mine:
        if diary_id not in board.site_of:
            return None
        # Still live but satisfied (often thanks to the action just logged): show it as done.
        live = _load(session, now, diary.site_id)
        slug = live.sites[diary.site_id].slug
        mine = [(ranking.RankedDiary(diary_id, slug, 0.0, (), 0.0, 0.0, 0.0), None, False)]
        return _rows(live, mine, user, current_shift(session, user.id, now))[0]
    return _overlay(board, mine, user, current_shift(session, user.id, now))[0]


# The diary page ----------------------------------------------------------------------

@dataclass(frozen=True)
class ActionView:
    user_name: str
    kind: str
    target_site: str
    url: str | None
    at: datetime


@dataclass(frozen=True)
class CopyView:
    diary_id: int
    title: str
    site_name: str
    url: str | None


@dataclass(frozen=True)
class DiaryDetail:
    diary: Diary
    site: Site
    url: str | None
    times: tuple[datetime, ...]
    recommends: tuple[int | None, ...]  # None: not found at that read
    comments: tuple[int | None, ...]
    assessment: ranking.RankedDiary
    live: bool
    copies: tuple[CopyView, ...]
    actions: tuple[ActionView, ...]
    mine: frozenset[str]
    crosspost_options: tuple[SiteOption, ...]
    # (kind, need or None, why there is no such need); one entry per need kind.
    breakdown: tuple[tuple[str, ranking.Need | None, str | None], ...] = ()
    board_row: ranking.RecRow | None = None  # the diary's recommend row on Boost today
    aging: str = ""  # the site's aging rule, in words
    ours: str | None = None  # the teammate who wrote it


def diary_detail(session: Session, user: User, diary_id: int, now: datetime) -> DiaryDetail:
    """Everything the diary page shows: counts over time, the need breakdown (even when it
    needs nothing), the cross-post group and who did what."""
    diary = lookup.by_id(session, Diary, diary_id, "diary")
    site = diary.site
    metrics = session.execute(
        select(DiaryMetric.observed_at, DiaryMetric.recommends, DiaryMetric.comments)
        .where(DiaryMetric.diary_id == diary.id).order_by(DiaryMetric.observed_at)).all()
    live = _load(session, now, diary.site_id)
    inputs = {i.diary_id: i for i in _inputs(live)}
    settings = live.settings[site.slug]
    scores = [ranking.aged_score(i.observations, now, settings.aging, i.published_at)
              for i in inputs.values()]
    bar = ranking.entry_bar(scores, settings.rec_slots, _scraped_bars(live, now).get(site.slug),
                            settings.fallback_threshold)
    own = inputs.get(diary.id) or ranking.DiaryInput(
        diary_id=diary.id, site_slug=site.slug, published_at=diary.published_at,
        topic_score=diary.topic_score,
        observations=[ranking.Observation(at, r, c) for at, r, c in metrics
                      if at >= now - timedelta(hours=METRIC_HOURS)])
    assessment = ranking.assess(own, settings, bar, now, live.settings.values())
    copies = ()
    if diary.crosspost_group_id is not None:
        copies = tuple(
            CopyView(d.id, d.title, s.name, d.url if is_web_url(d.url) else None)
            for d, s in session.execute(
                select(Diary, Site).join(Site, Site.id == Diary.site_id)
                .where(Diary.crosspost_group_id == diary.crosspost_group_id,
                       Diary.id != diary.id).order_by(Diary.published_at)).all())
    actions = session.execute(
        select(Action, User.display_name, Site.name)
        .join(User, User.id == Action.user_id).join(Site, Site.id == Action.target_site_id)
        .where(Action.diary_id == diary.id).order_by(Action.at, Action.id)).all()
    board_row = _plan(session, live, user, now).row(diary.id)
    found = {n.kind: n for n in assessment.needs}
    # Recommends are the board's call (reach, who is online), not this diary's alone.
    found.pop("recommend", None)
    if board_row is not None:
        found["recommend"] = ranking.Need("recommend", float(board_row.need), 1.0,
                                          f"{SECTION_TITLES[board_row.group]}: "
                                          f"{board_row.reason}")
    breakdown = tuple(
        (kind, found.get(kind),
         None if kind in found else ranking.why_not(kind, own, settings, bar, now,
                                                    live.settings.values()))
        for kind in NEED_KINDS)
    mine = [a for a, _, _ in actions if a.user_id == user.id]
    my_targets = {a.target_site_id for a in mine if a.kind == "crosspost"}
    return DiaryDetail(
        diary=diary, site=site, url=diary.url if is_web_url(diary.url) else None,
        times=tuple(m[0] for m in metrics), recommends=tuple(m[1] for m in metrics),
        comments=tuple(m[2] for m in metrics), assessment=assessment,
        live=diary.id in inputs, copies=copies,
        actions=tuple(ActionView(name, a.kind, target, a.url if is_web_url(a.url) else None,
                                 a.at) for a, name, target in actions),
        mine=frozenset(a.kind for a in mine),
        crosspost_options=tuple(SiteOption(s.id, s.slug, s.name) for s in live.sites.values()
                                if s.enabled and s.id != site.id and s.id not in my_targets),
        breakdown=breakdown, board_row=board_row, aging=settings.aging.describe(),
        ours=our_diaries.diary_owners(session, [diary]).get(diary.id))


# The rec list of one site ---------------------------------------------------------------

@dataclass(frozen=True)
class ListEntry:
    diary_id: int
    title: str
    url: str | None
    position: int | None  # on the scraped list; None: a followed diary below it
    score: float | None  # aged score; None when its counts are not fresh
    followed: bool  # a health-care diary the team follows (not necessarily one of ours)
    row: ranking.RecRow | None = None
    ours: str | None = None  # the teammate who wrote it, as on Boost today


@dataclass(frozen=True)
class RecListView:
    site: Site
    checked_at: datetime | None
    bar: ranking.Bar | None
    entries: tuple[ListEntry, ...]
    online: int


def rec_list_view(session: Session, user: User, slug: str, now: datetime) -> RecListView:
    """A site's rec list as it ranks it (the diaries we follow marked "followed", the team's
    own "ours"), then the followed diaries below the bar with the board's row for each: the
    bar drawn between the two."""
    site = session.scalar(select(Site).where(Site.slug == slug))
    if site is None or not site.enabled:
        raise NotFound(f"No site {slug!r}")
    live = _load(session, now, site.id)
    plan = _plan(session, live, user, now)
    bar = plan.bars.get(slug)
    latest = live.lists.get(site.id)
    diaries = {d.id: d for d in live.diaries}
    settings = live.settings[slug]
    inputs = {i.diary_id: i for i in _inputs(live)}

    def entry(diary_id: int, position: int | None) -> ListEntry:
        d = diaries[diary_id]
        score = ranking.aged_score(inputs[diary_id].observations, now, settings.aging,
                                   d.published_at) if inputs[diary_id].observations else None
        return ListEntry(d.id, d.title, d.url if is_web_url(d.url) else None, position, score,
                         d.topic_score > 0, plan.row(d.id), live.owners.get(d.id))

    listed = latest.diary_ids if latest else ()
    # Places as the site numbered them (a diary we do not follow leaves a gap).
    entries = [entry(i, n) for n, i in latest.entries if i in diaries] if latest else []
    below = [r for r in plan.rows if r.site_slug == slug and r.diary_id not in listed]
    entries += [entry(r.diary_id, None) for r in sorted(below, key=lambda r: -r.score)]
    return RecListView(site, latest.taken_at if latest else None, bar, tuple(entries),
                       plan.online)
