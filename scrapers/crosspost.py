"""Is this diary a copy of that one? Pure matching for cross-post groups.

Bloggers cross-post the same diary to Daily Kos, MyDD and Calitics, usually under the same
user name and the same title (give or take a "[cross-posted]" tag or a typo fix), and
often with a line "originally posted at <link>". Two diaries on different sites are one
cross-post group when the author matches and the normalised titles are ≥ 0.9 similar, or
when one's summary links the other's URL. A link is compared by the diary it names:
(site, story id) where the site has ids (``/story/`` and ``/stories/``, any slug or
``pm_*`` parameters), else the URL without scheme, "www." or trailing slash.

Everything here is pure: :func:`plan_groups` takes plain candidates and says which rows
join which group; :func:`scrapers.store.link_crossposts` reads the candidates and applies it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from difflib import SequenceMatcher
from urllib.parse import urlsplit

TITLE_SIMILARITY = 0.9
# Each diary is compared with at most this many same-author diaries (the nearest in time).
CANDIDATES_PER_DIARY = 5

# Decorations bloggers add to a copy; they say nothing about the content.
_DECORATION = re.compile(
    r"\[[^\]]*\]|\((?:x-?posted|cross-?posted|crossposted|updated?)[^)]*\)"
    r"|\b(?:cross-?posted|crossposted|x-?posted)\b(?:\s+(?:from|at|to)\s+\S+)?",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[^\w]+")
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    diary_id: int
    site_id: int
    author: str | None
    title: str
    url: str
    summary_html: str = ""
    group_id: int | None = None
    published_at: datetime | None = None


def normalise_title(title: str) -> str:
    text = _DECORATION.sub(" ", title or "").lower()
    return " ".join(_NON_WORD.sub(" ", text).split())


def normalise_author(author: str | None) -> str:
    return " ".join((author or "").lower().split())


def normalise_url(url: str) -> str:
    """Compare URLs without scheme, "www.", fragment or trailing slash."""
    url = (url or "").strip().split("#", 1)[0]
    url = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url, flags=re.IGNORECASE)
    host, sep, rest = url.partition("/")
    host = host.lower().removeprefix("www.")
    return (host + sep + rest).rstrip("/")


def hrefs(summary_html: str) -> list[str]:
    """The targets of the links in a summary, as written."""
    if not summary_html or "href" not in summary_html.lower():
        return []
    return _HREF.findall(summary_html)


def linked_urls(summary_html: str, identify: Callable[[str], str] = normalise_url) -> set[str]:
    """Identity keys (by default normalised URLs) of the links in a summary."""
    return {identify(href) for href in hrefs(summary_html)}


def _path(url: str) -> str:
    return "/" + normalise_url(url).partition("/")[2].strip("/")


@dataclass(frozen=True)
class SiteIds:
    """What identity needs to know of a site: its hosts and how it reads a story id."""

    site_id: int
    hosts: frozenset[str]
    story_id: Callable[[str], str | None]
    base_url: str = ""


class Identities:
    """A URL's identity key: ``site:<id>/story:<story id>`` for a story URL of a known
    site (whatever its form), else :func:`normalise_url`."""

    def __init__(self, sites: Iterable[SiteIds] = ()):
        self._by_host: dict[str, list[SiteIds]] = {}
        for site in sites:
            for host in site.hosts:
                self._by_host.setdefault(host, []).append(site)

    def _site(self, url: str) -> SiteIds | None:
        try:
            host = (urlsplit((url or "").strip()).hostname or "").lower().rstrip(".")
        except ValueError:
            return None
        sites = self._by_host.get(host, ())
        if len(sites) <= 1:
            return sites[0] if sites else None
        # Sites sharing a host (blogs under paths of one server): the longest base path
        # that the URL lies under.
        under = [(len(_path(s.base_url)), s) for s in sites
                 if (_path(url) + "/").startswith(_path(s.base_url) + "/")]
        return max(under, key=lambda pair: pair[0])[1] if under else None

    def story(self, url: str) -> tuple[int, str] | None:
        """(site id, story id) of a story URL on a known site; None otherwise."""
        site = self._site(url)
        story = site.story_id(url) if site is not None else None
        return (site.site_id, story) if story else None

    def __call__(self, url: str) -> str:
        found = self.story(url)
        return f"site:{found[0]}/story:{found[1]}" if found else normalise_url(url)


def title_similarity(a: str, b: str) -> float:
    na, nb = normalise_title(a), normalise_title(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    return SequenceMatcher(None, na, nb, autojunk=False).ratio()


def same_diary(a: Candidate, b: Candidate,
               identify: Callable[[str], str] = normalise_url) -> bool:
    """True when ``a`` and ``b`` (on different sites) are copies of one diary."""
    if a.site_id == b.site_id or a.diary_id == b.diary_id:
        return False
    author = normalise_author(a.author)
    if author and author == normalise_author(b.author) \
            and title_similarity(a.title, b.title) >= TITLE_SIMILARITY:
        return True
    return identify(b.url) in linked_urls(a.summary_html, identify) \
        or identify(a.url) in linked_urls(b.summary_html, identify)


def matches(new: Candidate, others: Iterable[Candidate]) -> list[Candidate]:
    return [other for other in others if same_diary(new, other)]


def group_id_for(new_id: int, matched: Sequence[Candidate]) -> int:
    """The group id for ``new_id`` and its matches: the lowest diary id of them all."""
    ids = [new_id]
    for other in matched:
        ids.append(other.diary_id)
        if other.group_id is not None:
            ids.append(other.group_id)
    return min(ids)


@dataclass(frozen=True)
class Grouping:
    """One diary joining a cross-post group: every diary in ``diary_ids`` gets
    ``group_id``, and so does every diary of the ``merged`` groups (two groups found to
    be one); ``loose`` are the ones not in any group before."""

    group_id: int
    diary_ids: tuple[int, ...]
    merged: frozenset[int]
    loose: tuple[int, ...]


def plan_groups(mine: Sequence[Candidate], others: Iterable[Candidate], *,
                identify: Callable[[str], str] = normalise_url,
                per_diary: int = CANDIDATES_PER_DIARY) -> list[Grouping]:
    """Which of ``mine`` (just stored) join which of ``others`` (other sites' diaries),
    in order; later diaries see the groups earlier ones made.

    Each of ``mine`` is compared with at most ``per_diary`` same-author diaries (the
    nearest in publication time) plus the diaries it links or that link it, and joins at
    most one copy per other site. Candidates need ``published_at``."""
    pool = {o.diary_id: o for o in others}
    by_author: dict[str, list[int]] = {}
    by_key: dict[str, list[int]] = {}  # a candidate's own identity
    linking: dict[str, list[int]] = {}  # identities the candidate's summary links to
    for other in pool.values():
        by_author.setdefault(normalise_author(other.author), []).append(other.diary_id)
        by_key.setdefault(identify(other.url), []).append(other.diary_id)
        for key in linked_urls(other.summary_html, identify):
            linking.setdefault(key, []).append(other.diary_id)
    plan: list[Grouping] = []
    for me in mine:
        at = me.published_at
        near = sorted(by_author.get(normalise_author(me.author), ()),
                      key=lambda i: abs(pool[i].published_at - at))[:per_diary]
        linked = [i for key in linked_urls(me.summary_html, identify)
                  for i in by_key.get(key, ())]
        linked += linking.get(identify(me.url), [])
        best: dict[int, Candidate] = {}  # one copy per other site
        for i in [*near, *linked]:
            other = pool[i]
            if other.site_id not in best and same_diary(me, other, identify):
                best[other.site_id] = other
        if not best:
            continue
        found = list(best.values())
        gid = group_id_for(me.diary_id, found)
        old_groups = frozenset(g for g in [me.group_id, *(o.group_id for o in found)]
                               if g is not None)
        ids = (me.diary_id, *(o.diary_id for o in found))
        plan.append(Grouping(gid, ids, old_groups - {gid},
                             (me.diary_id, *(o.diary_id for o in found if o.group_id is None))))
        for i, o in list(pool.items()):
            if i in ids or (o.group_id is not None and o.group_id in old_groups):
                pool[i] = replace(o, group_id=gid)
    return plan
