"""Step 1 of 3: gather one week's story into a frozen data object (no templates, no mail).

``build_week`` reads the database and returns a WeekDigest that render() turns into a
message for each recipient; the same object feeds the preview page and the CLI.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app import ranking
from app.boost import our_diaries
from app.digest import outcomes
from app.digest.weeks import parse_week
from app.shifts import coverage
from app.shifts.coverage import CoverageGap, OpenPlace
from app.sources import scrape_health
from app.sources.service import feed_health
from app.sources.sites import site_settings
from app.text import plural
from config import Config
from models import Action, Diary, DiaryMetric, Feed, Shift, Site
from scrapers.clean import web_link

TOP_PER_SITE = 5
TOP_CONTRIBUTORS = 5
TOP_HELPED = 5
TOP_YOUNG = 5
# A diary is "still young enough to help" while a cross-post can still meet new readers.
YOUNG_HOURS = 48
# A feed whose next poll is this many intervals away has been slowed down by error backoff.
SLOWED_FACTOR = 3


@dataclass(frozen=True)
class DiaryResult:
    diary_id: int
    title: str
    url: str | None  # http(s) only, else None
    site_name: str
    author: str | None
    published_at: datetime
    recommends: int | None  # None: never read (unknown, shown as "—")
    comments: int | None
    made_list: bool
    missed_by: int | None  # near miss: recs short at its closest moment
    team_actions: int  # logged by the team during the week
    ours: str | None = None  # written by this teammate (a username in their profile)

    @property
    def impact(self) -> int:
        # As the old "High Impact Diaries" lists: recommends and comments together (an
        # unknown count adds nothing; it is shown as "—", not as 0).
        return (self.recommends or 0) + (self.comments or 0)

    @property
    def outcome(self) -> str:
        if self.made_list:
            return "made the rec list"
        if self.missed_by is not None:
            return f"missed the rec list by ~{plural(self.missed_by, 'rec')}"
        return f"{plural(self.recommends, 'rec')}, {plural(self.comments, 'comment')}"


@dataclass(frozen=True)
class SiteWeek:
    site_name: str
    total: int
    made: int
    near: int
    top: tuple[DiaryResult, ...]  # by impact

    @property
    def more(self) -> int:
        return self.total - len(self.top)


@dataclass(frozen=True)
class Count:
    label: str
    count: int


@dataclass(frozen=True)
class Contributor:
    name: str
    total: int
    recommends: int
    comments: int
    crossposts: int


@dataclass(frozen=True)
class HelpedDiary:
    diary: DiaryResult
    helpers: int  # distinct teammates who logged an action for it

    @property
    def actions(self) -> int:
        return self.diary.team_actions


@dataclass(frozen=True)
class Crosspost:
    title: str
    from_site: str
    to_site: str
    url: str | None
    by: str
    at: datetime


@dataclass(frozen=True)
class YoungDiary:
    diary_id: int
    title: str
    url: str | None
    site_name: str
    published_at: datetime
    reason: str


@dataclass(frozen=True)
class FeedTrouble:
    feed_id: int | None  # None: a site's pages, not a feed (scrape health)
    site_name: str
    url: str
    problem: str


@dataclass(frozen=True)
class WeekDigest:
    week: str
    monday: date
    start: datetime
    end: datetime
    timezone: str
    generated_at: datetime
    base_url: str
    # The week's health-care diaries
    diaries_count: int
    sites: tuple[SiteWeek, ...]
    made: tuple[DiaryResult, ...]
    near: tuple[DiaryResult, ...]
    # What the team did
    actions_count: int
    boosted_count: int  # distinct diaries the team logged an action for
    actions_by_kind: tuple[Count, ...]
    actions_by_site: tuple[Count, ...]
    contributors: tuple[Contributor, ...]
    helped: tuple[HelpedDiary, ...]
    crossposts: tuple[Crosspost, ...]
    # What comes next
    ahead_start: datetime
    ahead_end: datetime
    shifts_ahead: int
    open_places: tuple[OpenPlace, ...]  # as the Shifts page has them (site None: any site)
    coverage_gaps: tuple[CoverageGap, ...]
    young: tuple[YoungDiary, ...]
    # Admins only
    feed_trouble: tuple[FeedTrouble, ...]


def build_week(session: Session, week: str, now: datetime, config: Config) -> WeekDigest:
    """Everything the weekly digest says about ``week`` (``2026-W47``), as data.

    Weeks are Monday to Sunday in config.DIGEST_TIMEZONE. "What comes next" looks at the
    seven days from max(now, end of the week). Raises ValidationError for a bad week string.
    """
    span = parse_week(week, config.DIGEST_TIMEZONE)
    sites = {s.id: s for s in session.scalars(select(Site))}
    week_diaries = list(session.scalars(
        select(Diary).where(Diary.published_at >= span.start, Diary.published_at < span.end,
                            Diary.topic_score > 0)))
    actions = list(session.scalars(
        select(Action).where(Action.at >= span.start, Action.at < span.end)
        .options(selectinload(Action.diary), selectinload(Action.user))
        .order_by(Action.at, Action.id)))
    action_diaries = {a.diary_id: a.diary for a in actions}
    per_diary_actions = Counter(a.diary_id for a in actions)
    results = _results(session, sites, {d.id: d for d in week_diaries} | action_diaries,
                       per_diary_actions)
    week_results = sorted((results[d.id] for d in week_diaries),
                          key=lambda r: (-r.impact, r.diary_id))
    ahead_start = max(now, span.end)
    ahead_end = ahead_start + timedelta(days=7)
    places, gaps, shifts_ahead = _shifts_ahead(session, ahead_start, ahead_end)
    return WeekDigest(
        week=span.label, monday=span.monday, start=span.start, end=span.end,
        timezone=config.DIGEST_TIMEZONE, generated_at=now, base_url=config.BASE_URL,
        diaries_count=len(week_results),
        sites=_per_site(week_results),
        made=tuple(r for r in week_results if r.made_list),
        near=tuple(sorted((r for r in week_results if r.missed_by is not None),
                          key=lambda r: (r.missed_by, r.diary_id))),
        actions_count=len(actions),
        boosted_count=len(per_diary_actions),
        actions_by_kind=_counts(a.kind for a in actions),
        actions_by_site=_counts(sites[a.target_site_id].name for a in actions),
        contributors=_contributors(actions),
        helped=_helped(actions, results),
        crossposts=tuple(
            Crosspost(title=a.diary.title, from_site=sites[a.diary.site_id].name,
                      to_site=sites[a.target_site_id].name, url=web_link(a.url) or None,
                      by=a.user.display_name or a.user.email, at=a.at)
            for a in actions if a.kind == "crosspost"),
        ahead_start=ahead_start, ahead_end=ahead_end, shifts_ahead=shifts_ahead,
        open_places=places, coverage_gaps=gaps,
        young=_young(session, sites, now),
        feed_trouble=_feed_trouble(session, sites, now, config),
    )


def _counts(labels: Iterable[str]) -> tuple[Count, ...]:
    counter = Counter(labels)
    return tuple(Count(label, n) for label, n in
                 sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def _results(session: Session, sites: dict[int, Site], diaries: dict[int, Diary],
             per_diary_actions: Counter) -> dict[int, DiaryResult]:
    """Each diary's counts and rec-list outcome, replaying each site's race once."""
    by_site: dict[int, list[Diary]] = defaultdict(list)
    for diary in diaries.values():
        by_site[diary.site_id].append(diary)
    results: dict[int, DiaryResult] = {}
    owners = our_diaries.diary_owners(session, diaries.values())
    for site_id, targets in by_site.items():
        site = sites[site_id]
        window = timedelta(hours=max(site.rec_window_hours, 1.0))
        first = min(d.published_at for d in targets) - window
        last = max(d.published_at for d in targets) + window
        # Every diary of the site competes for the list, on topic or not; columns suffice.
        rivals = list(session.execute(
            select(Diary.id, Diary.published_at, Diary.on_rec_list).where(
                Diary.site_id == site_id, Diary.published_at >= first,
                Diary.published_at < last)))
        series = series_of(session, rivals, until=last)
        race = outcomes.SiteRace(site_settings(site), series.values())
        for diary in targets:
            own = series.get(diary.id) or outcomes.make_series(
                diary.id, diary.published_at, (), diary.on_rec_list)
            outcome = race.outcome(own)
            results[diary.id] = DiaryResult(
                diary_id=diary.id, title=diary.title, url=web_link(diary.url) or None,
                site_name=site.name, author=diary.author, published_at=diary.published_at,
                recommends=diary.recommends, comments=diary.comments,
                made_list=outcome.made_list, missed_by=outcome.missed_by,
                team_actions=per_diary_actions.get(diary.id, 0), ours=owners.get(diary.id))
    return results


def series_of(session: Session, diaries: Sequence,
            until: datetime | None = None) -> dict[int, outcomes.Series]:
    """Poll series of ``diaries`` (Diary rows, or rows with id, published_at, on_rec_list)."""
    observations: dict[int, list[ranking.Observation]] = defaultdict(list)
    ids = [d.id for d in diaries]
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        # Plain rows, not ORM objects: a busy week has tens of thousands of polls.
        query = select(DiaryMetric.diary_id, DiaryMetric.observed_at, DiaryMetric.recommends,
                       DiaryMetric.comments).where(DiaryMetric.diary_id.in_(chunk))
        if until is not None:
            query = query.where(DiaryMetric.observed_at < until)
        for diary_id, observed_at, recommends, comments in session.execute(query):
            observations[diary_id].append(
                ranking.Observation(observed_at, recommends, comments))
    return {d.id: outcomes.make_series(d.id, d.published_at, observations[d.id], d.on_rec_list)
            for d in diaries}


def _per_site(results: Sequence[DiaryResult]) -> tuple[SiteWeek, ...]:
    grouped: dict[str, list[DiaryResult]] = defaultdict(list)
    for r in results:
        grouped[r.site_name].append(r)
    weeks = [SiteWeek(site_name=name, total=len(rows),
                      made=sum(r.made_list for r in rows),
                      near=sum(r.missed_by is not None for r in rows),
                      top=tuple(rows[:TOP_PER_SITE]))
             for name, rows in grouped.items()]
    return tuple(sorted(weeks, key=lambda w: (-w.total, w.site_name)))


def _contributors(actions: Sequence[Action]) -> tuple[Contributor, ...]:
    kinds: dict[int, Counter] = defaultdict(Counter)
    names: dict[int, str] = {}
    for a in actions:
        kinds[a.user_id][a.kind] += 1
        names[a.user_id] = a.user.display_name or a.user.email
    rows = [Contributor(name=names[uid], total=sum(c.values()), recommends=c["recommend"],
                        comments=c["comment"], crossposts=c["crosspost"])
            for uid, c in kinds.items()]
    rows.sort(key=lambda c: (-c.total, c.name))
    return tuple(rows[:TOP_CONTRIBUTORS])


def _helped(actions: Sequence[Action], results: dict[int, DiaryResult]) -> tuple[HelpedDiary, ...]:
    helpers: dict[int, set[int]] = defaultdict(set)
    for a in actions:
        helpers[a.diary_id].add(a.user_id)
    rows = [HelpedDiary(results[diary_id], len(users))
            for diary_id, users in helpers.items()]
    rows.sort(key=lambda h: (-h.actions, -h.diary.impact, h.diary.diary_id))
    return tuple(rows[:TOP_HELPED])


def _shifts_ahead(session: Session, start: datetime, end: datetime):
    """Open places and thin hours from the shifts area; nothing when no shifts are planned."""
    shifts_ahead = session.scalar(select(func.count(Shift.id)).where(
        Shift.cancelled_at.is_(None), Shift.starts_at < end, Shift.ends_at > start)) or 0
    if not shifts_ahead:
        return (), (), 0
    places = tuple(coverage.open_places(session, start, end))
    gaps = tuple(coverage.worst_covered_hours(session, start, end, limit=5))
    return places, gaps, shifts_ahead


def _young(session: Session, sites: dict[int, Site], now: datetime) -> tuple[YoungDiary, ...]:
    """The diaries the dashboard would rank highest right now, with its reason."""
    diaries = list(session.scalars(select(Diary).where(
        Diary.published_at > now - timedelta(hours=YOUNG_HOURS), Diary.published_at <= now)))
    if not diaries:
        return ()
    series = series_of(session, diaries)
    ids = [d.id for d in diaries]
    team = Counter(session.scalars(select(Action.diary_id).where(Action.diary_id.in_(ids))))
    crossposted: dict[int, set[str]] = defaultdict(set)
    for diary_id, slug in session.execute(
            select(Action.diary_id, Site.slug).join(Site, Site.id == Action.target_site_id)
            .where(Action.diary_id.in_(ids), Action.kind == "crosspost")):
        crossposted[diary_id].add(slug)
    inputs = [ranking.DiaryInput(
        diary_id=d.id, site_slug=sites[d.site_id].slug, published_at=d.published_at,
        topic_score=d.topic_score, observations=series[d.id].observations,
        team_actions=team.get(d.id, 0), crossposted_to=frozenset(crossposted[d.id]))
        for d in diaries]
    settings = {s.slug: site_settings(s) for s in sites.values()}
    by_id = {d.id: d for d in diaries}
    young = []
    for ranked in ranking.rank(inputs, settings, now)[:TOP_YOUNG]:
        diary = by_id[ranked.diary_id]
        top = max(ranked.needs, key=lambda n: n.weight)
        young.append(YoungDiary(diary.id, diary.title, web_link(diary.url) or None,
                                sites[diary.site_id].name, diary.published_at, top.reason))
    return tuple(young)


def _feed_trouble(session: Session, sites: dict[int, Site], now: datetime,
                  config: Config) -> tuple[FeedTrouble, ...]:
    rows = []
    for feed in session.scalars(select(Feed).order_by(Feed.site_id, Feed.id)):
        problem = None
        health = feed_health(feed, config.POLL_FAILURES_TO_FLAG).state
        if health == "disabled":
            problem = "disabled" + (f": {feed.disabled_reason}" if feed.disabled_reason else "")
        elif health == "failing":
            problem = f"failing: {plural(feed.error_count, 'error')} in a row"
            if feed.last_error:
                problem += f" (last: {feed.last_error[:120]})"
        elif feed.next_poll_at > now + timedelta(seconds=SLOWED_FACTOR * feed.interval_seconds):
            wait = (feed.next_poll_at - now).total_seconds() / 3600
            problem = (f"slowed down: next poll in {wait:.0f} h, "
                       f"normally every {feed.interval_seconds // 60} min")
        if problem:
            rows.append(FeedTrouble(feed.id, sites[feed.site_id].name, feed.url, problem))
    for alert in scrape_health.site_alerts(session, now):
        for message in alert.messages(config.DIGEST_TIMEZONE):
            rows.append(FeedTrouble(None, alert.site_name, alert.base_url, message))
    return tuple(rows)

