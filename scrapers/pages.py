"""Page bytes → what the page says: the one hand-off from the count refresh to a site's
adapter, so limits on page parsing (size, nesting, time) apply in one place."""

from __future__ import annotations

from collections.abc import Sequence

from scrapers import pageguard
from scrapers import rules as extraction
from scrapers.types import DiaryCounts, SiteAdapter


def read_page(adapter: SiteAdapter, body: bytes, url: str,
              rules: Sequence[extraction.Rule] = (),
              time_limit: float = pageguard.TIME_LIMIT) -> DiaryCounts:
    """What a fetched diary page at ``url`` says: read by its platform's adapter, then by
    the site's admin rules where they find something. A page nested absurdly deep or not
    read within ``time_limit`` seconds raises :class:`pageguard.PageRefused`."""
    def read(html: bytes) -> DiaryCounts:
        return extraction.apply(rules, html, adapter.parse_counts(html, url))

    return pageguard.read_page(body, read, time_limit)
