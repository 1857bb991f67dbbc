"""Sites and feeds: add, enable/disable, tune a site's ranking settings, list health.

Every trigger (admin page, CLI, demo set-up, OPML import) goes through these functions,
so a feed URL is validated and de-duplicated the same way wherever it comes from.
Functions only flush; the caller commits.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app import lookup
from app.errors import Conflict, NotFound, ValidationError
from app.text import plural, plural_noun
from app.validation import INT32_MAX, one_line
from models import FEED_KINDS, PLATFORMS, Feed, Site
from scrapers.hosts import parse_host_list
from scrapers.schedule import is_failing

SLUG_RE = re.compile(r"^[a-z0-9-]{2,40}$")
MAX_URL = 1000
MAX_REASON = 300


def check_url(url: str, what: str = "Feed URL") -> str:
    """Return ``url`` trimmed, or raise ValidationError saying what is wrong with it.

    Only absolute http(s) URLs with a host: the fetcher speaks nothing else, and a URL
    with whitespace inside is almost always two URLs pasted together.
    """
    url = (url or "").strip()
    if not url:
        raise ValidationError(f"{what} is empty")
    if len(url) > MAX_URL:
        raise ValidationError(f"{what} is longer than {MAX_URL} characters")
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise ValidationError(f"{what} {url!r} contains spaces or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise ValidationError(f"{what} {url!r} is not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValidationError(f"{what} {url!r} must start with http:// or https://")
    if not parts.hostname:
        raise ValidationError(f"{what} {url!r} has no host name")
    return url


def get_site(session: Session, slug: str) -> Site:
    site = session.scalar(select(Site).where(Site.slug == (slug or "").strip().lower()))
    if site is None:
        known = ", ".join(session.scalars(select(Site.slug).order_by(Site.slug))) or "none yet"
        raise NotFound(f"No site with slug {slug!r} (known sites: {known})")
    return site


def get_feed(session: Session, feed_id: int) -> Feed:
    return lookup.by_id(session, Feed, feed_id, "feed")


def list_sites(session: Session) -> list[Site]:
    """All sites with their feeds loaded, by slug."""
    return list(session.scalars(select(Site).options(selectinload(Site.feeds))
                                .order_by(Site.slug)))


def _adapter(platform: str):
    """The platform's adapter, or None while the scrapers package does not provide it."""
    try:
        from scrapers.adapters import get_adapter
    except ImportError:
        return None
    try:
        return get_adapter(platform)
    except (KeyError, LookupError, ValueError):
        return None


def add_site(session: Session, *, slug: str, name: str, base_url: str, platform: str,
             now: datetime) -> Site:
    """Create a site; the platform adapter's default feeds (and rec list URL) come with it."""
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug):
        raise ValidationError(f"Slug {slug!r} must be 2-40 characters of a-z, 0-9 and -")
    name = one_line(name)
    if not name or len(name) > 120:
        raise ValidationError("Site name must be 1-120 characters")
    if platform not in PLATFORMS:
        raise ValidationError(f"Platform must be one of {', '.join(PLATFORMS)}, "
                              f"got {platform!r}")
    base_url = check_url(base_url, "Base URL").rstrip("/")
    if len(base_url) > 500:
        raise ValidationError("Base URL is longer than 500 characters")
    if session.scalar(select(Site.id).where(Site.slug == slug)):
        raise Conflict(f"A site with slug {slug!r} already exists")
    site = Site(slug=slug, name=name, base_url=base_url, platform=platform, created_at=now)
    adapter = _adapter(platform)
    if adapter is not None:
        site.rec_list_url = adapter.rec_list_url(base_url)
    session.add(site)
    session.flush()
    if adapter is not None:
        for url, kind in adapter.default_feeds(base_url):
            if session.scalar(select(Feed.id).where(Feed.url == url)) is None:
                session.add(Feed(site_id=site.id, url=url, kind=kind, next_poll_at=now,
                                 created_at=now))
        session.flush()
    return site


def add_feed(session: Session, *, site_slug: str, url: str, kind: str = "diaries",
             now: datetime, title: str | None = None) -> Feed:
    """Subscribe ``site_slug`` to the feed at ``url``; it is due for polling at once.

    Unknown site → NotFound; bad URL → ValidationError; URL already subscribed (on any
    site) → Conflict.
    """
    site = get_site(session, site_slug)
    url = check_url(url)
    if kind not in FEED_KINDS:
        raise ValidationError(f"Feed kind must be one of {', '.join(FEED_KINDS)}, got {kind!r}")
    existing = session.scalar(select(Feed).where(Feed.url == url))
    if existing is not None:
        raise Conflict(f"{url} is already subscribed (feed {existing.id} on "
                       f"{existing.site.slug})")
    feed = Feed(site_id=site.id, url=url, kind=kind, next_poll_at=now, created_at=now,
                title=(title or "").strip()[:300] or None)
    session.add(feed)
    session.flush()
    return feed


def set_feed_enabled(session: Session, feed_id: int, enabled: bool,
                     reason: str | None = None, *, now: datetime) -> Feed:
    """Disable a feed (with an optional reason) or re-enable it.

    Re-enabling is a fresh start: the error count and reason are cleared and the feed is
    due at ``now``, so an admin sees at once whether it works.
    """
    feed = get_feed(session, feed_id)
    if enabled:
        feed.enabled = True
        feed.error_count = 0
        feed.disabled_reason = None
        feed.next_poll_at = now
    else:
        feed.enabled = False
        feed.disabled_reason = ((reason or "").strip() or "disabled by an admin")[:MAX_REASON]
    session.flush()
    return feed


@dataclass(frozen=True)
class _Setting:
    kind: type  # int | float | bool | str
    minimum: float | None = None
    strictly_above: bool = False
    label: str = ""
    choices: tuple[str, ...] = ()


SITE_SETTINGS: dict[str, _Setting] = {
    "rec_slots": _Setting(int, 1, label="Rec list slots"),
    "rec_half_life_hours": _Setting(float, 0, strictly_above=True, label="Half-life (hours)"),
    "rec_aging": _Setting(str, label="Aging", choices=("exp", "step")),
    "rec_fallback_threshold": _Setting(float, 0, label="Fallback threshold"),
    "rec_window_hours": _Setting(float, 0, label="Rec window (hours)"),
    "comment_target": _Setting(int, 0, label="Comment target"),
    "crosspost_window_hours": _Setting(float, 0, label="Cross-post window (hours)"),
    # Feed dates before this are not believed (scrapers.parse.DateWindow).
    "founded_on": _Setting(date, label="Founded on"),
    "enabled": _Setting(bool, label="Enabled"),
    "name": _Setting(str, label="Name"),
    "extra_hosts": _Setting(list, label="Other hosts of this site"),
    "rec_list_url": _Setting(type(None), label="Rec list URL"),
}
_HOST_RE = re.compile(r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
                      r"(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$")
MAX_HOSTS = 20


def _hosts(label: str, value) -> str | None:
    hosts = parse_host_list(value if isinstance(value, str) else " ".join(value or ()))
    bad = [h for h in hosts if not _HOST_RE.match(h)]
    if bad:
        raise ValidationError(f"{label}: {bad[0]!r} is not a host name")
    if len(hosts) > MAX_HOSTS:
        raise ValidationError(f"{label}: at most {MAX_HOSTS} hosts")
    return "\n".join(hosts) or None


def _coerce(field: str, spec: _Setting, value):
    label = spec.label or field
    if spec.kind is list:
        return _hosts(label, value)
    if spec.kind is type(None):  # an optional URL: blank clears it
        return check_url(value, label) if (value or "").strip() else None
    if spec.kind is bool:
        if isinstance(value, str):
            return value.strip().lower() in {"1", "true", "on", "yes", "y"}
        return bool(value)
    if spec.kind is date:
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(f"{label} must be a date like 1999-01-01, got {value!r}") \
                from None
        if not date(1990, 1, 1) <= day <= date(2100, 1, 1):
            raise ValidationError(f"{label} must be between 1990 and 2100, got {day}")
        return day
    if spec.choices:
        value = (value or "").strip()
        if value not in spec.choices:
            raise ValidationError(f"{label} must be one of {', '.join(spec.choices)}, "
                                  f"got {value!r}")
        return value
    if spec.kind is str:
        value = one_line(value)
        if not value or len(value) > 120:
            raise ValidationError(f"{label} must be 1-120 characters")
        return value
    raw = value.strip() if isinstance(value, str) else value
    try:
        if spec.kind is int:
            if isinstance(raw, float) and not raw.is_integer():
                raise ValueError
            number = int(raw)
        else:
            number = float(raw)
    except (TypeError, ValueError, OverflowError):
        what = "a whole number" if spec.kind is int else "a number"
        raise ValidationError(f"{label} must be {what}, got {value!r}") from None
    if isinstance(number, int) and abs(number) > INT32_MAX:  # the column's range
        raise ValidationError(f"{label} must be at most {INT32_MAX}, got {value}")
    if isinstance(number, float) and not math.isfinite(number):
        raise ValidationError(f"{label} must be a finite number, got {value!r}")
    if spec.minimum is not None:
        if spec.strictly_above and number <= spec.minimum:
            raise ValidationError(f"{label} must be greater than {spec.minimum:g}, got {value}")
        if not spec.strictly_above and number < spec.minimum:
            raise ValidationError(f"{label} must be at least {spec.minimum:g}, got {value}")
    return number


def update_site_settings(session: Session, site_id: int, **settings) -> Site:
    """Change a site's ranking settings; values may be strings (from a form) or numbers.

    Keys: rec_slots (>= 1), rec_half_life_hours (> 0), rec_aging (exp/step),
    rec_fallback_threshold (>= 0),
    rec_window_hours (>= 0), comment_target (>= 0), crosspost_window_hours (>= 0),
    founded_on (a date: feed dates before it are replaced by first-seen time), enabled,
    name, extra_hosts (host names the site's diary pages also live on, one per line),
    rec_list_url (blank: none). A bad value raises ValidationError naming the field;
    nothing changes.
    """
    site = lookup.by_id(session, Site, site_id, "site")
    unknown = sorted(set(settings) - set(SITE_SETTINGS))
    if unknown:
        noun = "setting" if len(unknown) == 1 else plural_noun("setting")
        raise ValidationError(f"Unknown site {noun}: {', '.join(unknown)}")
    # Validate everything before touching the row, so a bad field changes nothing.
    values = {field: _coerce(field, SITE_SETTINGS[field], value)
              for field, value in settings.items()}
    for field, value in values.items():
        setattr(site, field, value)
    session.flush()
    return site


@dataclass(frozen=True)
class FeedHealth:
    """How a feed is doing, as the Sources page and `sources list` show it."""

    state: str  # ok | failing | erroring | disabled | new
    label: str


def feed_health(feed: Feed, failures_to_flag: int) -> FeedHealth:
    if not feed.enabled:
        return FeedHealth("disabled", f"disabled: {feed.disabled_reason or 'no reason given'}")
    if is_failing(feed.error_count, failures_to_flag):
        return FeedHealth("failing", f"FAILING ({feed.error_count} consecutive errors)")
    if feed.error_count:
        return FeedHealth("erroring", plural(feed.error_count, "consecutive error"))
    if feed.last_polled_at is None:
        return FeedHealth("new", "not polled yet")
    return FeedHealth("ok", "ok")


def import_opml(session: Session, data: bytes, site_slug: str, now: datetime):
    """Subscribe ``site_slug`` to every feed of an OPML file, all or nothing.

    Returns the added feeds (a list with a ``skipped`` attribute: URLs already
    subscribed). A malformed file or a bad URL raises ValidationError and adds nothing.
    """
    from app.sources import opml

    return opml.import_opml(session, data, site_slug, now)


def export_opml(session: Session, now: datetime | None = None) -> bytes:
    """All feeds as an OPML 2.0 document, one folder per site."""
    from app.sources import opml

    return opml.export_opml(session, now)
