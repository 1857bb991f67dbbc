"""Our own diaries: teammates record their usernames on each site; diaries written under
those names are "ours" on the board and in the digest, and the team may put them first.

A username is matched to ``Diary.author`` on the same site, ignoring case and surrounding
spaces (``models.username_key``), in Python so both databases agree.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import NotFound, PermissionDenied, ValidationError
from app.team import settings as team_settings
from models import Site, SiteAccount, User, username_key

MAX_USERNAME = 200


def accounts_of(session: Session, user: User) -> list[SiteAccount]:
    """The user's usernames, by site name then username."""
    rows = session.execute(
        select(SiteAccount, Site.name).join(Site, Site.id == SiteAccount.site_id)
        .where(SiteAccount.user_id == user.id)).all()
    return [a for a, _ in sorted(rows, key=lambda r: (r[1].lower(), r[0].username_key))]


def _clean(username: str | None) -> str:
    name = (username or "").strip()
    if not name:
        raise ValidationError("Enter your username on the site.")
    if len(name) > MAX_USERNAME:
        raise ValidationError(f"A username can be at most {MAX_USERNAME} characters.")
    if any(unicodedata.category(ch)[0] == "C" for ch in name):
        raise ValidationError("A username cannot contain control characters.")
    return name


def _site(session: Session, site_id: str | int | None) -> Site:
    try:
        site = session.get(Site, int(str(site_id).strip()))
    except ValueError:
        site = None
    if site is None:
        raise ValidationError("Choose one of the sites we follow.")
    return site


def _check_free(session: Session, user: User, site: Site, key: str,
                keep: int | None = None) -> None:
    taken = session.execute(
        select(SiteAccount.id, SiteAccount.user_id, User.display_name)
        .join(User, User.id == SiteAccount.user_id)
        .where(SiteAccount.site_id == site.id, SiteAccount.username_key == key)).first()
    if taken is None or taken.id == keep:
        return
    if taken.user_id == user.id:
        raise ValidationError(f"You have already recorded that username on {site.name}.")
    raise ValidationError(f"That username on {site.name} is already recorded by "
                          f"{taken.display_name}. Ask them (or an admin) if it is yours.")


def _save(session: Session, site: Site, change) -> None:
    """Apply ``change`` in a savepoint: if a teammate saved the same name a moment ago, the
    unique key refuses it with a message (not a 500) and this request's other work stays."""
    session.flush()
    try:
        with session.begin_nested():
            change()
            session.flush()
    except IntegrityError:
        raise ValidationError(f"That username on {site.name} was just recorded by a "
                              "teammate.") from None


def add_account(session: Session, user: User, *, site_id: str | int | None,
                username: str | None) -> SiteAccount:
    """Record ``username`` as ``user``'s on a site. Raises ValidationError (and stores
    nothing) for an empty or too long name, an unknown site, or a name a teammate holds."""
    site = _site(session, site_id)
    name = _clean(username)
    key = username_key(name)
    _check_free(session, user, site, key)
    account = SiteAccount(user_id=user.id, site_id=site.id, username=name, username_key=key)
    _save(session, site, lambda: session.add(account))
    return account


def _own(session: Session, user: User, account_id: int) -> SiteAccount:
    account = session.get(SiteAccount, account_id)
    if account is None or account.user_id != user.id:
        raise NotFound("No such username on your profile.")
    return account


def rename_account(session: Session, user: User, account_id: int, *,
                   username: str | None) -> SiteAccount:
    """Correct one of the user's usernames (its site stays); same checks as adding."""
    account = _own(session, user, account_id)
    site = session.get(Site, account.site_id)
    name = _clean(username)
    key = username_key(name)
    _check_free(session, user, site, key, keep=account.id)

    def change():
        account.username, account.username_key = name, key

    _save(session, site, change)
    return account


def remove_account(session: Session, user: User, account_id: int) -> None:
    session.delete(_own(session, user, account_id))
    session.flush()


def owners(session: Session, site_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    """(site id, username key) → the display name of the active teammate who holds it."""
    ids = list(set(site_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(SiteAccount.site_id, SiteAccount.username_key, User.display_name, User.email)
        .join(User, User.id == SiteAccount.user_id)
        .where(SiteAccount.site_id.in_(ids), User.active.is_(True)))
    return {(site_id, key): name or email for site_id, key, name, email in rows}


def owner_of(owned: Mapping[tuple[int, str], str], site_id: int,
             author: str | None) -> str | None:
    """The teammate who wrote a diary by ``author`` on a site, or None."""
    if not author:
        return None
    return owned.get((site_id, username_key(author)))


def diary_owners(session: Session, diaries: Iterable) -> dict[int, str]:
    """Diary id → teammate's display name, for those of ``diaries`` (rows with id, site_id,
    author) that are ours."""
    diaries = list(diaries)
    owned = owners(session, (d.site_id for d in diaries))
    if not owned:
        return {}
    found = {d.id: owner_of(owned, d.site_id, d.author) for d in diaries}
    return {i: name for i, name in found.items() if name is not None}


# The team's choice ------------------------------------------------------------------

PREFER_OURS_SETTING = "prefer_ours"  # models.Setting: "true" / "false"; none means off


def prefer_ours(session: Session) -> bool:
    """Whether the team gives its own diaries priority on the board (default off)."""
    return team_settings.value(session, PREFER_OURS_SETTING) == "true"


def set_prefer_ours(session: Session, user: User, value: bool, now: datetime) -> None:
    """Turn "Give our own diaries priority" on or off; coordinators and admins only."""
    if not user.has_role("coordinator"):
        raise PermissionDenied("Only coordinators and admins can change team settings.")
    team_settings.put(session, PREFER_OURS_SETTING, "true" if value else "false", user.id, now)
