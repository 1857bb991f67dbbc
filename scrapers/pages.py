"""Page bytes → what the page says: the one hand-off from the count refresh to a site's
adapter, so limits on page parsing (size, nesting, time) apply in one place."""

from __future__ import annotations

from collections.abc import Sequence

from scrapers import rules as extraction
from scrapers.types import DiaryCounts, SiteAdapter


def read_page(adapter: SiteAdapter, body: bytes, url: str,
              rules: Sequence[extraction.Rule] = ()) -> DiaryCounts:
    """What a fetched diary page at ``url`` says: read by its platform's adapter, then by
    the site's admin rules where they find something."""
    return extraction.apply(rules, body, adapter.parse_counts(body, url))
