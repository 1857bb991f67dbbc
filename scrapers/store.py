"""Store: the only database writes of the intake. Callers own the transaction.

Everything here adds/updates and flushes inside the caller's session; ``poll_feed`` opens
one session per feed *after* the fetch and commits once, so a feed's diaries, its feed row
and its poll log land together or not at all.

Hot path: a poll of a 50-entry feed is one SELECT for the existing guids, one multi-row
INSERT for the new diaries, one executemany UPDATE for the changed ones and one UPDATE for
``last_seen_at`` of the rest; no ORM objects are built for diaries.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import (
    Diary,
    DiaryMetric,
    ExtractionRule,
    LinkResolution,
    PageRead,
    RecListEntry,
    RecListSnapshot,
    Site,
    TopicRule,
)
from models.rec_lists import SNAPSHOTS_KEPT_DAYS
from scrapers import crosspost
from scrapers.adapters.base import story_guid
from scrapers.hosts import site_hosts
from scrapers.topics import DEFAULT_RULES, CompiledRules, Rule, TaggedEntry, score
from scrapers.types import DiaryCounts, EntryData

log = logging.getLogger(__name__)

# Bound parameters per IN (...) list: well under SQLite's and PostgreSQL's limits.
CHUNK = 500
# While a diary is young an observation is kept at least this often, even when its
# counts did not move: "no new recs in the last hour" is itself what the ranking needs.
METRIC_HEARTBEAT = timedelta(hours=1)
# Scrape health looks at the last refresh cycle and the last hour; a day is plenty.
PAGE_READS_KEPT = timedelta(days=1)
# Cross-post links (one copy's summary links the other) need row scans; they are
# skipped for a batch bigger than this (a feed's first poll), where author + title
# matching still applies.
REVERSE_LINK_BATCH = 20
# Bounds on cross-post matching work per stored batch (see link_crossposts).
CANDIDATE_ROWS = 200
CANDIDATES_PER_DIARY = crosspost.CANDIDATES_PER_DIARY

# Column limits, so a huge title from a hostile feed cannot fail the whole transaction.
_MAX = {"guid": 1024, "url": 2000, "title": 1000, "author": 200}


@dataclass(frozen=True)
class StoreResult:
    new_ids: tuple[int, ...] = ()
    updated_ids: tuple[int, ...] = ()
    unchanged: int = 0

    @property
    def new_count(self) -> int:
        return len(self.new_ids)

    @property
    def updated_count(self) -> int:
        return len(self.updated_ids)


def load_rules(session: Session) -> list[Rule]:
    """The enabled TopicRule rows; DEFAULT_RULES while the table has never been seeded."""
    rows = session.execute(select(TopicRule.phrase, TopicRule.weight, TopicRule.field,
                                  TopicRule.needs_context, TopicRule.enabled)
                           .order_by(TopicRule.id)).all()
    if not rows:
        return list(DEFAULT_RULES)
    return [Rule(phrase, weight, field, bool(context))
            for phrase, weight, field, context, enabled in rows if enabled]


def _cut(value: str | None, name: str) -> str | None:
    return value[: _MAX[name]] if value is not None else None


def _content_hash(entry: EntryData) -> str:
    if entry.content_hash:
        return entry.content_hash
    digest = hashlib.sha256()
    for part in (entry.title, entry.url, entry.author or "", entry.summary_html,
                 "\x00".join(entry.tags)):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def _chunks(items: Sequence, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _existing(session: Session, site_id: int, guids: Sequence[str]) -> dict[str, tuple]:
    found: dict[str, tuple] = {}
    for chunk in _chunks(guids):
        for row in session.execute(select(Diary.guid, Diary.id, Diary.content_hash,
                                          Diary.published_at)
                                   .where(Diary.site_id == site_id, Diary.guid.in_(chunk))):
            found[row.guid] = (row.id, row.content_hash, row.published_at)
    return found


def identity_link(url: str | None) -> str | None:
    """The key under which two entries of one site are one diary even when their guids
    differ: the canonical link without scheme, "www." or trailing slash. None when a link
    cannot name one diary (none at all, or a site's front page)."""
    key = crosspost.normalise_url(url or "")
    host, _, path = key.partition("/")
    if not host or not path.strip("/"):
        return None
    return key


def _same_link(session: Session, site_id: int, by_guid: Mapping[str, TaggedEntry],
               existing: Mapping[str, tuple]) -> dict[str, tuple]:
    """Stored diaries of the site that new guids in ``by_guid`` are copies of, by link.

    A stored diary still listed under its own guid is another diary, and a link shared
    by two new entries identifies neither. An entry whose guid is its link is skipped:
    a stored copy would almost always carry that guid too (the lookup would cost every
    first poll of a permalink-guid feed a query for nothing)."""
    wanted: dict[str, str] = {}
    shared: set[str] = set()
    for guid, item in by_guid.items():
        key = (identity_link(item.entry.url)
               if guid not in existing and guid != item.entry.url else None)
        if key is not None:
            if key in wanted:
                shared.add(key)
            wanted[key] = guid
    for key in shared:
        del wanted[key]
    found: dict[str, tuple] = {}
    # Links are stored in the adapter's canonical form, so a churned entry's link is
    # stored exactly as it comes now: one indexed lookup per link, no spelling variants.
    links = sorted({by_guid[guid].entry.url for guid in wanted.values()})
    for chunk in _chunks(links):
        for row in session.execute(select(Diary.guid, Diary.id, Diary.content_hash,
                                          Diary.published_at, Diary.url)
                                   .where(Diary.site_id == site_id, Diary.url.in_(chunk))):
            guid = wanted.get(identity_link(row.url) or "")
            if guid is not None and row.guid not in by_guid:
                found[guid] = (row.id, row.content_hash, row.published_at)
    return found


def _values(item: TaggedEntry, now: datetime) -> dict:
    e = item.entry
    return {"url": _cut(e.url, "url"), "title": _cut(e.title or "(untitled)", "title"),
            "author": _cut(e.author, "author"), "summary_html": e.summary_html or "",
            "tags": list(e.tags), "topic_score": item.match.score,
            "topic_terms": list(item.match.terms), "content_hash": _content_hash(e),
            "last_seen_at": now}


def store_entries(session: Session, site_id: int, items: Sequence[TaggedEntry], now: datetime,
                  *, crosspost_window_hours: float = 48.0) -> StoreResult:
    """Upsert a feed's entries by (site, guid): insert new ones, update changed ones.

    A changed entry (different content hash) gets its new title, summary, tags and topic
    score; ``first_seen_at`` is kept. Every entry seen gets ``last_seen_at = now``. New and
    changed diaries are then matched against other sites for cross-post groups.
    """
    by_guid: dict[str, TaggedEntry] = {}
    for item in items:
        guid = _cut(item.entry.guid or item.entry.url, "guid")
        if guid:
            by_guid[guid] = item  # a feed listing one guid twice: the last copy wins
    if not by_guid:
        return StoreResult()
    formers = {former: guid for guid, item in by_guid.items()
               for former in item.entry.former_guids if former not in by_guid}
    existing = _existing(session, site_id, [*by_guid, *formers])
    renamed = set()
    for former, guid in formers.items():
        if former in existing and guid not in existing:
            existing[guid] = existing[former]  # stored by an older version: same diary
            renamed.add(guid)
    # A feed whose guids change on every fetch: the same link is the same diary.
    existing.update(_same_link(session, site_id, by_guid, existing))
    new_rows, changed_rows, unchanged_ids = [], [], []
    for guid, item in by_guid.items():
        values = _values(item, now)
        if guid not in existing:
            values.update(site_id=site_id, guid=guid, first_seen_at=now,
                          published_at=item.entry.published_at or now)
            new_rows.append(values)
        elif existing[guid][1] != values["content_hash"] or guid in renamed:
            values["id"] = existing[guid][0]
            values["published_at"] = item.entry.published_at or existing[guid][2]
            if guid in renamed:
                values["guid"] = guid
            if values["author"] is None:
                del values["author"]  # a feed without authors keeps the one read from the page
            changed_rows.append(values)
        else:
            unchanged_ids.append(existing[guid][0])
    new_ids = _insert_new(session, site_id, new_rows, changed_rows, unchanged_ids)
    if changed_rows:
        session.execute(update(Diary), changed_rows)
    for chunk in _chunks(unchanged_ids):
        session.execute(update(Diary).where(Diary.id.in_(chunk)).values(last_seen_at=now)
                        .execution_options(synchronize_session=False))
    updated_ids = tuple(row["id"] for row in changed_rows)
    link_crossposts(session, site_id, [*new_ids, *updated_ids], now,
                    window_hours=crosspost_window_hours, new_count=len(new_ids),
                    fresh=dict(zip(new_ids, new_rows, strict=False)))
    session.flush()
    return StoreResult(tuple(new_ids), updated_ids, len(unchanged_ids))


def _insert_new(session, site_id, new_rows, changed_rows, unchanged_ids) -> list[int]:
    """Insert ``new_rows``; returns their ids in order.

    One multi-row ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` (SQLite and PostgreSQL
    both have it): no savepoint, no second lookup. A guid another writer stored between
    our SELECT and this INSERT comes back without an id; those rows are re-read and treated
    as updates (the unique constraint is the guard).
    """
    if not new_rows:
        return []
    table = Diary.__table__
    statement = _dialect_insert(session)(table).on_conflict_do_nothing(
        index_elements=[table.c.site_id, table.c.guid]).returning(table.c.id, table.c.guid)
    inserted = dict((guid, diary_id) for diary_id, guid
                    in session.connection().execute(statement, new_rows))
    if len(inserted) == len(new_rows):
        return [inserted[row["guid"]] for row in new_rows]
    log.info("concurrent insert on site %s; treating stored guids as updates", site_id)
    lost = [row for row in new_rows if row["guid"] not in inserted]
    existing = _existing(session, site_id, [row["guid"] for row in lost])
    for row in lost:
        diary_id, content_hash, _ = existing[row["guid"]]
        if content_hash != row["content_hash"]:
            changed = {k: v for k, v in row.items()
                       if k not in ("site_id", "guid", "first_seen_at")}
            changed_rows.append({**changed, "id": diary_id})
        else:
            unchanged_ids.append(diary_id)
    return [inserted[row["guid"]] for row in new_rows if row["guid"] in inserted]


def _dialect_insert(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert


# Redirect links ------------------------------------------------------------------------

def load_resolutions(session: Session, site_id: int, links: Sequence[str]) -> dict[str, str]:
    """Where the site's redirect links were found to lead, for those already resolved."""
    found: dict[str, str] = {}
    for chunk in _chunks(list(links)):
        found.update(session.execute(
            select(LinkResolution.link, LinkResolution.target_url)
            .where(LinkResolution.site_id == site_id, LinkResolution.link.in_(chunk))).all())
    return found


def remember_resolutions(session: Session, site_id: int,
                         resolutions: Sequence[tuple[str, str]], now: datetime) -> None:
    """Keep where redirect links led (a link resolved meanwhile by another poll stays)."""
    rows = [{"site_id": site_id, "link": link[:2000], "target_url": target[:2000],
             "resolved_at": now} for link, target in resolutions]
    if rows:
        table = LinkResolution.__table__
        session.execute(_dialect_insert(session)(table).on_conflict_do_nothing(
            index_elements=[table.c.site_id, table.c.link]), rows)


# Cross-posts ---------------------------------------------------------------------------

def _url_variants(normalised: str) -> list[str]:
    out = []
    for scheme in ("https://", "http://"):
        for www in ("", "www."):
            for slash in ("", "/"):
                out.append(f"{scheme}{www}{normalised}{slash}")
    return out


def link_crossposts(session: Session, site_id: int, diary_ids: Sequence[int], now: datetime,
                    *, window_hours: float = 48.0, new_count: int = 0,
                    fresh: Mapping[int, Mapping] | None = None) -> int:
    """Put ``diary_ids`` (all on ``site_id``) into cross-post groups with their copies on
    other sites published within ``window_hours``. Returns how many diaries were grouped.

    Only health-care diaries (topic score > 0) take part: groups exist to say "already
    cross-posted to X", a need the ranking gives relevant diaries only, and it keeps the
    work bounded on busy sites. This reads the candidates and applies
    :func:`scrapers.crosspost.plan_groups`, which decides. ``fresh`` maps just-inserted
    ids to the values inserted, which need not be read back.
    """
    if not diary_ids or window_hours <= 0:
        return 0
    fresh = fresh or {}
    mine: list[crosspost.Candidate] = []
    for diary_id, row in fresh.items():
        if row["topic_score"] > 0:
            mine.append(crosspost.Candidate(diary_id, site_id, row["author"], row["title"],
                                            row["url"], row["summary_html"],
                                            published_at=row["published_at"]))
    for chunk in _chunks([i for i in diary_ids if i not in fresh]):
        for row in session.execute(_CANDIDATE_COLUMNS.where(Diary.id.in_(chunk),
                                                            Diary.topic_score > 0)):
            mine.append(crosspost.Candidate(*row))
    if not mine:
        return 0
    published = [m.published_at for m in mine]
    window = timedelta(hours=window_hours)
    in_window = and_(Diary.site_id != site_id, Diary.topic_score > 0,
                     Diary.published_at >= min(published) - window,
                     Diary.published_at <= max(published) + window)
    clauses = []
    authors = {m.author for m in mine if m.author}
    if authors:
        variants = authors | {a.lower() for a in authors}
        clauses.append(Diary.author.in_(sorted(variants)[:CHUNK]))
    identify = _identities(session)
    # Link clauses scan rows (diaries.url has no index, summaries are text): only for
    # regular polls, not for a feed's first poll with its whole backlog.
    links = sorted({href for m in mine for href in crosspost.hrefs(m.summary_html)})[:50]
    if links and new_count <= REVERSE_LINK_BATCH:
        clauses.append(Diary.url.in_([v for link in links
                                      for v in _url_variants(crosspost.normalise_url(link))]))
        stories = [found for found in map(identify.story, links) if found]
        if stories:
            # A link in another form than the stored one (/story/ vs /stories/, pm_*).
            clauses.append(or_(*(and_(Diary.site_id == sid, Diary.guid == story_guid(story))
                                 for sid, story in stories)))
    if new_count <= REVERSE_LINK_BATCH:
        host = (urlsplit(mine[0].url).hostname or "").removeprefix("www.")
        if host:
            clauses.append(Diary.summary_html.like(f"%{host}%"))
    if not clauses:
        return 0
    rows = session.execute(_CANDIDATE_COLUMNS.where(in_window, or_(*clauses))
                           .order_by(Diary.published_at.desc()).limit(CANDIDATE_ROWS)).all()
    if not rows:
        return 0
    plan = crosspost.plan_groups(mine, [crosspost.Candidate(*row) for row in rows],
                                 identify=identify, per_diary=CANDIDATES_PER_DIARY)
    joins: list[dict] = []
    for grouping in plan:
        if not grouping.merged:
            # Joining an existing group (the common case): no other row changes.
            joins += [{"id": i, "crosspost_group_id": grouping.group_id}
                      for i in grouping.loose]
        else:
            condition = or_(Diary.id.in_(grouping.diary_ids),
                            Diary.crosspost_group_id.in_(sorted(grouping.merged)))
            session.execute(update(Diary).where(condition)
                            .values(crosspost_group_id=grouping.group_id)
                            .execution_options(synchronize_session=False))
    if joins:
        session.execute(update(Diary), joins)
    return len(plan)


def _identities(session: Session) -> crosspost.Identities:
    """Every site's hosts and story-id reader, for comparing links by the diary they name."""
    from scrapers.adapters import get_adapter

    sites = []
    for site_id, base_url, extra_hosts, platform in session.execute(
            select(Site.id, Site.base_url, Site.extra_hosts, Site.platform)):
        try:
            adapter = get_adapter(platform)
        except ValueError:
            continue
        sites.append(crosspost.SiteIds(site_id, site_hosts(base_url, extra_hosts),
                                       adapter.story_id, base_url))
    return crosspost.Identities(sites)


_CANDIDATE_COLUMNS = select(Diary.id, Diary.site_id, Diary.author, Diary.title, Diary.url,
                            Diary.summary_html, Diary.crosspost_group_id, Diary.published_at)


# Counts --------------------------------------------------------------------------------

def record_counts(session: Session, diary_id: int, counts: DiaryCounts, now: datetime) -> bool:
    """Store one read of a diary's page; True when a DiaryMetric row was added.

    A count the page did not show stays unknown in the metric row and keeps its last known
    value (and ``counts_read_at``) on the diary; a read that found neither count adds no
    metric row at all — a failed read is not an observation. A metric row is appended when
    the counts changed since the last one, or when the last one is an hour old (the
    caller only observes diaries still inside their rec-list window). An author the feed
    did not give is taken from the page.
    """
    diary = session.execute(select(Diary.recommends, Diary.comments, Diary.author)
                            .where(Diary.id == diary_id)).one_or_none()
    if diary is None:
        return False
    recs = counts.recommends if counts.recommends is None or counts.recommends >= 0 else None
    comments = counts.comments if counts.comments is None or counts.comments >= 0 else None
    values: dict = {"counts_checked_at": now}
    if counts.author and not diary.author:
        values["author"] = _cut(counts.author, "author")
    add = False
    if recs is not None or comments is not None:
        last = session.execute(select(DiaryMetric.observed_at, DiaryMetric.recommends,
                                      DiaryMetric.comments)
                               .where(DiaryMetric.diary_id == diary_id)
                               .order_by(DiaryMetric.observed_at.desc()).limit(1)).one_or_none()
        add = last is None or (last.recommends, last.comments) != (recs, comments) \
            or now - last.observed_at >= METRIC_HEARTBEAT
        if add:
            session.add(DiaryMetric(diary_id=diary_id, observed_at=now, recommends=recs,
                                    comments=comments))
        values.update(counts_read_at=now,
                      recommends=recs if recs is not None else diary.recommends,
                      comments=comments if comments is not None else diary.comments)
    session.execute(update(Diary).where(Diary.id == diary_id).values(**values)
                    .execution_options(synchronize_session=False))
    session.flush()
    return add


def load_extraction_rules(session: Session, site_ids: Iterable[int]) -> dict[int, list]:
    """The admin extraction rules of these sites, by site id (rules that no longer
    validate are skipped: a bad rule must not stop the count job)."""
    from scrapers.rules import Rule, RuleError, validate

    found: dict[int, list[Rule]] = {}
    ids = sorted(set(site_ids))
    if not ids:
        return found
    for row in session.execute(select(ExtractionRule.site_id, ExtractionRule.field,
                                      ExtractionRule.kind, ExtractionRule.expression)
                               .where(ExtractionRule.site_id.in_(ids))):
        try:
            found.setdefault(row.site_id, []).append(
                validate(Rule(row.field, row.kind, row.expression)))
        except RuleError:
            log.warning("extraction rule skipped: %s", row, extra={"site_id": row.site_id})
    return found


def record_page_read(session: Session, site_id: int, diary_id: int, counts: DiaryCounts,
                     now: datetime) -> None:
    """Remember which fields one page read found (scrape health)."""
    session.add(PageRead(site_id=site_id, diary_id=diary_id, read_at=now,
                         found_recommends=counts.recommends is not None,
                         found_comments=counts.comments is not None,
                         found_author=counts.author is not None))


def prune_page_reads(session: Session, now: datetime) -> None:
    """Forget page reads older than scrape health needs."""
    session.execute(delete(PageRead).where(PageRead.read_at < now - PAGE_READS_KEPT)
                    .execution_options(synchronize_session=False))


def match_rec_list(session: Session, site_id: int, urls: Sequence[str],
                   story_ids: Sequence[str | None] = ()) -> list[int | None]:
    """The stored diary at each place of a site's list (by story id where the site has
    ids, else by URL), in the list's order; None where we do not know the diary."""
    wanted = [crosspost.normalise_url(u) for u in urls]
    stories = list(story_ids) + [None] * (len(wanted) - len(story_ids))
    variants = [v for u in sorted(set(wanted))[:CHUNK // 8] for v in _url_variants(u)]
    guids = sorted({story_guid(s) for s in stories if s})[:CHUNK]
    by_url: dict[str, int] = {}
    by_guid: dict[str, int] = {}
    for diary_id, url, guid in session.execute(
            select(Diary.id, Diary.url, Diary.guid).where(
                Diary.site_id == site_id, or_(Diary.url.in_(variants), Diary.guid.in_(guids)))
            .order_by(Diary.id)):
        by_url.setdefault(crosspost.normalise_url(url), diary_id)
        by_guid.setdefault(guid, diary_id)
    matched: list[int | None] = []
    for url, story in zip(wanted, stories, strict=False):
        found = by_guid.get(story_guid(story)) if story else None
        matched.append(found if found is not None else by_url.get(url))
    return matched


def set_rec_list(session: Session, site_id: int, urls: Iterable[str],
                 story_ids: Iterable[str | None] = (), now: datetime | None = None) -> int:
    """Mark the site's diaries on its Recommended list and clear the others; with ``now``,
    also keep the list, in its order, as a snapshot taken then (and forget snapshots older
    than SNAPSHOTS_KEPT_DAYS).

    Call it only with a list actually read: an unreadable page must not empty the list."""
    urls, story_ids = list(urls), list(story_ids)
    matched = match_rec_list(session, site_id, urls, story_ids)
    on = {i for i in matched if i is not None}
    session.execute(update(Diary).where(Diary.site_id == site_id, Diary.on_rec_list.is_(True),
                                        Diary.id.not_in(sorted(on) or [-1]))
                    .values(on_rec_list=False).execution_options(synchronize_session=False))
    if on:
        session.execute(update(Diary).where(Diary.id.in_(on)).values(on_rec_list=True)
                        .execution_options(synchronize_session=False))
    if now is not None:
        snapshot = RecListSnapshot(site_id=site_id, taken_at=now, list_size=len(urls))
        seen: set[int] = set()
        for position, diary_id in enumerate(matched, start=1):
            # A diary listed twice (two links to one story) keeps its best place.
            if diary_id is not None and diary_id not in seen:
                seen.add(diary_id)
                snapshot.entries.append(RecListEntry(position=position, diary_id=diary_id))
        session.add(snapshot)
        prune_rec_list_snapshots(session, now, site_id)
    session.flush()
    return len(on)


def prune_rec_list_snapshots(session: Session, now: datetime,
                             site_id: int | None = None) -> int:
    """Forget rec-list snapshots (of one site, with ``site_id``) older than
    SNAPSHOTS_KEPT_DAYS, their entries with them: the learner needs days of lists, not
    months. Returns how many snapshots went."""
    cutoff = now - timedelta(days=SNAPSHOTS_KEPT_DAYS)
    old = RecListSnapshot.taken_at < cutoff
    if site_id is not None:
        old = and_(RecListSnapshot.site_id == site_id, old)
    # Entries first: a SQLite connection without foreign keys on would leave them behind.
    session.execute(delete(RecListEntry)
                    .where(RecListEntry.snapshot_id.in_(select(RecListSnapshot.id).where(old)))
                    .execution_options(synchronize_session=False))
    gone = session.execute(delete(RecListSnapshot).where(old)
                           .execution_options(synchronize_session=False))
    return gone.rowcount or 0


# Re-tagging ----------------------------------------------------------------------------

def retag(session: Session, rules: CompiledRules, batch: int = 1000) -> int:
    """Re-score every stored diary with ``rules``; returns how many changed score or terms."""
    changes = []
    last_id = 0
    while True:
        rows = session.execute(select(Diary.id, Diary.title, Diary.tags, Diary.summary_html,
                                      Diary.topic_score, Diary.topic_terms)
                               .where(Diary.id > last_id).order_by(Diary.id).limit(batch)).all()
        if not rows:
            break
        last_id = rows[-1].id
        for row in rows:
            match = score(row.title, row.tags or [], row.summary_html or "", rules)
            if match.score != row.topic_score or list(match.terms) != list(row.topic_terms or []):
                changes.append({"id": row.id, "topic_score": match.score,
                                "topic_terms": list(match.terms)})
    for chunk in _chunks(changes, CHUNK):
        session.execute(update(Diary), chunk)
    session.flush()
    return len(changes)
