"""Site adapters, one module per blog platform, registered by platform name.

Adding a platform: write ``scrapers/adapters/<platform>.py`` with a class following
``scrapers.types.SiteAdapter`` (subclass ``BaseAdapter``), add it to ``ADAPTERS`` and to
``models.sites.PLATFORMS``.
"""

from __future__ import annotations

from scrapers.adapters.base import BaseAdapter, canonical_url
from scrapers.adapters.dailykos import DailyKosAdapter
from scrapers.adapters.generic import GenericAdapter
from scrapers.adapters.scoop import ScoopAdapter
from scrapers.adapters.soapblox import SoapBloxAdapter
from scrapers.types import SiteAdapter

ADAPTERS: dict[str, SiteAdapter] = {
    adapter.platform: adapter
    for adapter in (ScoopAdapter(), DailyKosAdapter(), SoapBloxAdapter(), GenericAdapter())
}


def get_adapter(platform: str) -> SiteAdapter:
    """The adapter for a platform name ("scoop", "dailykos", "soapblox", "generic")."""
    try:
        return ADAPTERS[platform]
    except KeyError:
        raise ValueError(f"unknown platform {platform!r}; known: "
                         f"{', '.join(sorted(ADAPTERS))}") from None


__all__ = ["ADAPTERS", "BaseAdapter", "canonical_url", "get_adapter"]
