"""Which hosts a site's diary pages may be fetched from: the count scraper stays home.

A diarist controls the link of a feed item; without this rule the poller would fetch any
public URL they chose, every minute. The site's own hosts are its base URL's host (with
and without ``www.``) plus the hosts an admin lists for the site (e.g. a FeedBurner host).
"""

from __future__ import annotations

from urllib.parse import urlsplit


def _host(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    return host.lower().rstrip(".")


def parse_host_list(text: str | None) -> list[str]:
    """Hosts an admin typed, one per line or separated by commas/spaces (URLs accepted)."""
    hosts = []
    for word in (text or "").replace(",", " ").split():
        host = _host(word) if "://" in word else word.lower().rstrip(".").strip("/")
        if host and host not in hosts:
            hosts.append(host)
    return hosts


def site_hosts(base_url: str, extra_hosts: str | None = None) -> frozenset[str]:
    """Every host the site's pages may be fetched from."""
    hosts = set(parse_host_list(extra_hosts))
    base = _host(base_url)
    if base:
        bare = base.removeprefix("www.")
        hosts |= {bare, f"www.{bare}"}
    return frozenset(hosts)


def on_hosts(url: str, hosts: frozenset[str]) -> bool:
    """Whether ``url`` is a web URL on one of ``hosts``."""
    host = _host(url)
    return host is not None and host in hosts
