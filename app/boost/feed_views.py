"""The Boost today list as an Atom feed at a per-user secret URL, for any feed reader."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import UTC, datetime

from flask import Blueprint, Response, abort, url_for

from app import clock
from app.accounts import users as user_service
from app.boost import feed_entries
from app.boost import service as boost_service
from app.text import plural
from app.web.db import get_db
from scrapers.clean import clean_text

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 25


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    # Stored text is cleaned at ingest; this also covers rows stored before that, since
    # one control character would make the whole feed ill-formed for its reader.
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}",
                            {k: clean_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = clean_text(text)
    return element


def boost_atom_xml(page: boost_service.BoostPage, self_url: str, home_url: str,
                   diary_url, updated: Mapping[int, datetime]) -> bytes:
    """Serialise a BoostPage as Atom; ElementTree escapes every piece of feed text.
    ``updated`` gives each diary's entry its <updated> (when its need last changed)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", self_url)
    _sub(feed, "title", "diaryboost: Boost today")
    _sub(feed, "subtitle", "Health-care diaries that need recommends, comments or a cross-post now")
    # The feed changed when its newest entry did, not whenever it was generated.
    _sub(feed, "updated", _iso(max(updated.values(), default=page.generated_at)))
    _sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=home_url, type="text/html")
    _sub(_sub(feed, "author"), "name", "diaryboost")
    for row in page.rows:
        entry = _sub(feed, "entry")
        # Stable per diary so readers do not show a diary twice as its needs change.
        _sub(entry, "id", diary_url(row.diary_id))
        _sub(entry, "title", f"[{row.site_name}] {row.title}")
        _sub(entry, "updated", _iso(updated.get(row.diary_id, page.generated_at)))
        _sub(entry, "published", _iso(row.published_at))
        if row.url:
            _sub(entry, "link", rel="alternate", href=row.url, type="text/html")
        _sub(entry, "link", rel="related", href=diary_url(row.diary_id), type="text/html")
        if row.author:
            _sub(_sub(entry, "author"), "name", row.author)
        _sub(entry, "category", term=row.site_slug, label=row.site_name)
        for need in row.needs:
            _sub(entry, "category", term=need.kind)
        lines = [need.reason for need in row.needs]
        lines.append(f"{plural(row.recommends, 'rec')}, {plural(row.comments, 'comment')}; "
                     f"{plural(row.teammates, 'teammate')} acted.")
        _sub(entry, "summary", "\n".join(lines), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@bp.route("/<feed_secret>/boost.atom")
def boost_atom(feed_secret: str):
    # The secret is the only credential: feed readers cannot log in.
    user = user_service.user_for_feed_secret(get_db(), feed_secret)
    if user is None:
        abort(404)
    now = clock.now()
    page = boost_service.boost_list(get_db(), user, now, limit=FEED_ENTRIES)
    updated = feed_entries.entry_times(
        get_db(), user.id, {row.diary_id: feed_entries.needs_key(row.needs) for row in page.rows},
        now)
    body = boost_atom_xml(
        page, self_url=url_for(".boost_atom", feed_secret=feed_secret, _external=True),
        home_url=url_for("boost.today", _external=True),
        diary_url=lambda diary_id: url_for("boost.diary", diary_id=diary_id, _external=True),
        updated=updated)
    return Response(body, mimetype="application/atom+xml",
                    headers={"Cache-Control": "private, max-age=300",
                             "X-Robots-Tag": "noindex"})
