"""Feed links that only redirect to the diary: FeedBurner's ``/~r/<feed>/~3/<token>/Slug``.

In 2019 Daily Kos's front-page feed linked every item through FeedBurner
(``feeds.dailykosmedia.com``). An item with ``feedburner:origLink`` names its story
directly (see :meth:`BaseAdapter.entry_to_diary`); one without it only says where to be
redirected. Such a link is resolved once, through the same guarded fetcher and only on the
site's own hosts (the FeedBurner host is one of them), and the resolution is remembered
(``link_resolutions``), so the diary is stored under its (site, story id) identity — the
same row as its ``/story/`` and ``/stories/`` forms — without a fetch per poll.

The functions here are pure; the poll use case fetches and stores.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from scrapers.adapters.base import STORY_GUID, content_hash, story_guid
from scrapers.topics import TaggedEntry

_FEEDBURNER_PATH = re.compile(r"^/~r/.+?/~3/[^/]+(?:/|$)")


def is_redirect_link(url: str | None) -> bool:
    """Whether ``url`` is a FeedBurner click-through link (it names no diary itself)."""
    try:
        return bool(url) and bool(_FEEDBURNER_PATH.match(urlsplit(url).path))
    except ValueError:
        return False


def unresolved(items: Sequence[TaggedEntry]) -> list[str]:
    """The redirect links of entries not yet stored under a story id, in feed order."""
    links = [item.entry.url for item in items
             if not item.entry.guid.startswith(STORY_GUID) and is_redirect_link(item.entry.url)]
    return list(dict.fromkeys(links))


def resolve(items: Sequence[TaggedEntry], targets: Mapping[str, str],
            adapter) -> tuple[TaggedEntry, ...]:
    """``items`` with each resolved redirect link replaced by the diary it led to.

    ``targets`` maps a redirect link to the URL it ended on. An entry whose target the
    adapter reads no story id from is left as it came: it is still stored, under the
    feed's guid, and the day its link resolves the row is renamed (``former_guids``)."""
    out = []
    for item in items:
        entry = item.entry
        target = targets.get(entry.url)
        link = adapter.canonical(target) if target else None
        story = adapter.story_id(link) if link else None
        if story is None:
            out.append(item)
            continue
        former = tuple(dict.fromkeys(g for g in (*entry.former_guids, entry.guid, entry.url)
                                     if g))
        out.append(replace(item, entry=replace(
            entry, url=link, guid=story_guid(story), former_guids=former,
            content_hash=content_hash(entry.title, link, entry.summary_html, entry.tags))))
    return tuple(out)
