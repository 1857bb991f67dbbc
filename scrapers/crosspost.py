"""Is this diary a copy of that one? Pure matching for cross-post groups.

Bloggers cross-post the same diary to Daily Kos, MyDD and Calitics, usually under the same
user name and the same title (give or take a "[cross-posted]" tag or a typo fix), and
often with a line "originally posted at <link>". Two diaries on different sites are one
cross-post group when the author matches and the normalised titles are ≥ 0.9 similar, or
when one's summary links the other's URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

TITLE_SIMILARITY = 0.9

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


def linked_urls(summary_html: str) -> set[str]:
    """Normalised targets of the links in a summary."""
    if not summary_html or "href" not in summary_html.lower():
        return set()
    return {normalise_url(href) for href in _HREF.findall(summary_html)}


def title_similarity(a: str, b: str) -> float:
    na, nb = normalise_title(a), normalise_title(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    return SequenceMatcher(None, na, nb, autojunk=False).ratio()


def same_diary(a: Candidate, b: Candidate) -> bool:
    """True when ``a`` and ``b`` (on different sites) are copies of one diary."""
    if a.site_id == b.site_id or a.diary_id == b.diary_id:
        return False
    author = normalise_author(a.author)
    if author and author == normalise_author(b.author) \
            and title_similarity(a.title, b.title) >= TITLE_SIMILARITY:
        return True
    return normalise_url(b.url) in linked_urls(a.summary_html) \
        or normalise_url(a.url) in linked_urls(b.summary_html)


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
