"""Logging what a teammate did for a diary: recommended, commented, cross-posted."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import lookup
from app.errors import Conflict, ValidationError
from models import ACTION_KINDS, Action, Diary, Site, User
from scrapers.clean import is_web_url

KIND_LABELS = {"recommend": "recommended", "comment": "commented", "crosspost": "cross-posted"}
# What the teammate did, as a sentence ending: "you commented on this diary".
DONE_PHRASES = {"recommend": "recommended this diary", "comment": "commented on this diary",
                "crosspost": "cross-posted this diary"}


def _host_port_path(url: str) -> tuple[str, int | None, str]:
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    port = parts.port if parts.port not in (None, default) else None
    return host, port, parts.path or "/"


def is_on_site(url: str, base_url: str) -> bool:
    """True when ``url`` is on the blog at ``base_url``: the same host (with or without
    "www.", or a subdomain of it), the same port, and under the base path, which is what
    tells blogs apart when several share one host (the simulated blogs do)."""
    try:
        host, port, path = _host_port_path(url)
        site_host, site_port, site_path = _host_port_path(base_url)
    except ValueError:
        return False
    same_host = host == site_host or host.endswith("." + site_host)
    base = site_path.rstrip("/")
    return same_host and port == site_port and (path == base or path.startswith(base + "/"))


def log_action(session: Session, *, user: User, diary_id: int, kind: str,
               target_site_slug: str | None = None, url: str | None = None,
               now: datetime) -> Action:
    """Record that ``user`` did ``kind`` for the diary; flushes, the caller commits.

    Recommends and comments target the diary's own site. A cross-post needs an enabled
    target site other than the diary's own and the http(s) URL of the new post.
    Raises NotFound (no such diary), ValidationError (bad kind, site or URL) and
    Conflict when the same action was already logged (the unique key user+diary+kind+site).
    """
    if kind not in ACTION_KINDS:
        raise ValidationError(f"Unknown action {kind!r}; use one of {', '.join(ACTION_KINDS)}")
    diary = lookup.by_id(session, Diary, diary_id, "diary")
    target_id, clean_url = diary.site_id, None
    if kind == "crosspost":
        target_id, clean_url = _crosspost_target(session, diary, target_site_slug, url)
    duplicate = session.scalar(select(Action.id).where(
        Action.user_id == user.id, Action.diary_id == diary.id, Action.kind == kind,
        Action.target_site_id == target_id))
    if duplicate is not None:
        raise Conflict(f"Already logged: you {DONE_PHRASES[kind]}.")
    action = Action(user_id=user.id, diary_id=diary.id, kind=kind, target_site_id=target_id,
                    url=clean_url, at=now)
    # A savepoint, so a double click racing past the check above becomes a Conflict
    # instead of poisoning the request's transaction.
    try:
        with session.begin_nested():
            session.add(action)
    except IntegrityError:
        raise Conflict(f"Already logged: you {DONE_PHRASES[kind]}.") from None
    return action


def _crosspost_target(session: Session, diary: Diary, slug: str | None,
                      url: str | None) -> tuple[int, str]:
    slug = (slug or "").strip()
    if not slug:
        raise ValidationError("Choose the site you cross-posted to.")
    site = session.scalar(select(Site).where(Site.slug == slug))
    if site is None or not site.enabled:
        raise ValidationError(f"{slug!r} is not a site we follow.")
    if site.id == diary.site_id:
        raise ValidationError("A cross-post goes to another site than the diary's own.")
    url = (url or "").strip()
    if not is_web_url(url) or len(url) > 2000:
        raise ValidationError("Give the address (http:// or https://) of the cross-post.")
    if not is_on_site(url, site.base_url):
        raise ValidationError(f"That address is not on {site.name} ({site.base_url}): give "
                              f"the address of your cross-post on {site.name}.")
    return site.id, url


def recent_actions(session: Session, since: datetime, limit: int = 500) -> list:
    """The team's actions since ``since``, newest first, with who and where (for coordinators).

    Rows have diary_id, diary_title, user, kind, target_site, url, at.
    """
    return list(session.execute(
        select(Action.diary_id, Diary.title.label("diary_title"),
               User.display_name.label("user"), Action.kind,
               Site.slug.label("target_site"), Action.url, Action.at)
        .join(Diary, Diary.id == Action.diary_id).join(User, User.id == Action.user_id)
        .join(Site, Site.id == Action.target_site_id)
        .where(Action.at >= since).order_by(Action.at.desc(), Action.id.desc()).limit(limit)))
