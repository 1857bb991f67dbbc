"""Any RSS/Atom feed (``generic``): entries only; the platform shows no counts we know.

A generic site's base URL is taken to be its feed URL.
"""

from __future__ import annotations

from scrapers.adapters.base import BaseAdapter


class GenericAdapter(BaseAdapter):
    platform = "generic"
