"""Reading structured data a page carries: inline script variables, JSON-LD, meta tags.

Adapters try these before markup and text, because sites keep them stable for their own
JavaScript and for search engines while the visible markup is redesigned.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from selectolax.lexbor import LexborHTMLParser

# ``Name.var = <value>;`` where value is a number, a quoted string, a JSON array/object,
# true/false/null. Strings may use either quote; arrays are JSON (as Daily Kos writes them).
_ASSIGNMENT = (r"(?<![\w.]){name}\s*=\s*(?P<value>-?\d+(?:\.\d+)?"
               r"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|\[[^\n]*?\]|true|false|null)\s*;")


def inline_scripts(tree: LexborHTMLParser) -> str:
    """The text of the page's inline scripts (not ``src=`` ones, not JSON-LD)."""
    parts = []
    for node in tree.css("script"):
        if "src" in node.attributes:
            continue
        kind = (node.attributes.get("type") or "").lower()
        if kind and "javascript" not in kind:
            continue
        parts.append(node.text(deep=True) or "")
    return "\n".join(parts)


def script_variable(scripts: str, name: str) -> Any:
    """The value assigned to ``name`` (e.g. ``DailyKos.currentStoryRecommendCount``) in
    the scripts' text, as a Python value; None when absent or not a literal."""
    pattern = re.compile(_ASSIGNMENT.format(name=re.escape(name)))
    match = pattern.search(scripts)
    if match is None:
        return None
    raw = match.group("value")
    if raw.startswith("'"):
        raw = '"' + raw[1:-1].replace('\\\'', "'").replace('"', '\\"') + '"'
    try:
        return json.loads(raw)
    except ValueError:
        return None


def json_ld(tree: LexborHTMLParser) -> list[dict]:
    """Every JSON-LD object on the page (``@graph`` flattened); broken blocks are skipped."""
    found: list[dict] = []
    for node in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(node.text(deep=True) or "")
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        for item in stack:
            if isinstance(item, dict):
                found.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    found += [g for g in graph if isinstance(g, dict)]
    return found


def meta(tree: LexborHTMLParser, key: str) -> str | None:
    """A ``<meta property|name=key content>`` value, stripped; None when absent or empty."""
    for attr in ("property", "name"):
        node = tree.css_first(f'meta[{attr}="{key}"]')
        if node is not None:
            value = (node.attributes.get("content") or "").strip()
            if value:
                return value
    return None


def canonical_link(tree: LexborHTMLParser) -> str | None:
    node = tree.css_first('link[rel="canonical"]')
    href = (node.attributes.get("href") or "").strip() if node is not None else ""
    return href or meta(tree, "og:url")


def text_of(node) -> str | None:
    """An element's visible text with whitespace collapsed; None when empty or absent."""
    if node is None:
        return None
    text = " ".join(node.text(deep=True).split())
    return text or None


_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z")


# The zone names US blogs print after a time ("at 11:28:57 AM PDT").
_US_ZONES = {"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8,
             "PDT": -7, "UTC": 0, "GMT": 0}
_WORDY = re.compile(r"(?:[A-Z][a-z]{2},?\s+)?(?P<date>[A-Z][a-z]{2}\s+\d{1,2},?\s+\d{4})"
                    r"(?:\s+at)?\s+(?P<time>\d{1,2}:\d{2}(?::\d{2})?\s*[AaPp][Mm])"
                    r"\s*(?P<zone>[A-Z]{3})?")


def parse_wordy_time(text: str | None) -> datetime | None:
    """"Sun Mar 25, 2007 at 11:28:57 AM PDT" (Scoop, SoapBlox) as aware UTC; None when the
    text holds no such date or its zone is unknown."""
    match = _WORDY.search(text or "")
    if match is None:
        return None
    zone = _US_ZONES.get(match.group("zone") or "UTC")
    if zone is None:
        return None
    date = " ".join(match.group("date").replace(",", " ").split())
    clock = match.group("time").upper().replace(" ", "")
    for fmt in ("%b %d %Y %I:%M:%S%p", "%b %d %Y %I:%M%p"):
        try:
            local = datetime.strptime(f"{date} {clock}", fmt)
        except ValueError:
            continue
        return local.replace(tzinfo=timezone(timedelta(hours=zone))).astimezone(UTC)
    return None


def parse_time(value: Any) -> datetime | None:
    """An aware UTC datetime from the date strings pages carry; None when unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).astimezone(UTC)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else None
