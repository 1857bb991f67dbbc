"""OPML subscription lists: import (all or nothing) and export (OPML 2.0).

Import is deliberately strict. listparser recovers from almost anything — two documents
run together, missing end tags, undefined entities — and a recovered list may silently
lack feeds the admin expected. So the file must first be well-formed XML; only then does
listparser find the feeds (nested outlines, ``xmlUrl``). Any problem refuses the whole
file, so a half-imported list never has to be cleaned up by hand.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET  # noqa: S405 - only to write the export
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from typing import BinaryIO
from xml.parsers import expat  # noqa: S410 - DOCTYPEs are refused by a handler (below)

import listparser
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.sources import service as sources
from app.text import plural
from models import Feed

MAX_OPML_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class OpmlEntry:
    url: str
    title: str | None


class ImportReport(list):
    """The feeds an import added (it is that list), plus ``skipped``: URLs already there."""

    def __init__(self, added=(), skipped=()):
        super().__init__(added)
        self.skipped: list[str] = list(skipped)

    @property
    def added(self) -> list[Feed]:
        return list(self)

    def summary(self) -> str:
        text = f"imported {plural(len(self), 'feed')}"
        if self.skipped:
            text += f", skipped {len(self.skipped)} already subscribed"
        return text


# XML 1.0 Appendix F: a byte order mark wins; else the first bytes of "<?xml" tell a
# UTF-16/32 document; else the declaration names the encoding; else it is UTF-8.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_NO_BOM = ((b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
           (b"\x00<\x00?", "utf-16-be"), (b"<\x00?\x00", "utf-16-le"))
_DECLARED = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z][\w.:-]*)["']""")


def read_bounded(stream: BinaryIO) -> bytes:
    """At most ``MAX_OPML_BYTES`` of an upload: a huge file is refused, never read whole."""
    data = stream.read(MAX_OPML_BYTES + 1)
    if len(data) > MAX_OPML_BYTES:
        raise ValidationError(f"OPML file refused: larger than {MAX_OPML_BYTES // 1024} KiB")
    return data


def _encoding_of(data: bytes) -> str:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    for prefix, name in _NO_BOM:
        if data.startswith(prefix):
            return name
    declared = _DECLARED.match(data)
    return declared.group(1).decode("ascii") if declared else "utf-8"


def _decode(data: bytes) -> str:
    name = _encoding_of(data)
    try:
        return data.decode(name)
    except LookupError:
        raise ValidationError(f"OPML file refused: unknown encoding {name!r}") from None
    except UnicodeDecodeError as err:
        raise ValidationError(f"OPML file refused: not valid {name} text ({err.reason} at "
                              f"byte {err.start})") from None


def _refuse_doctype(*_args) -> None:
    # OPML never needs a DTD; refusing it rules out entity expansion (billion laughs) and
    # external entities. Expat calls this on the decoded text, before any entity exists,
    # so a UTF-16 document cannot slip its DTD past a byte-level check.
    raise ValidationError("OPML file refused: it contains a DOCTYPE/ENTITY declaration")


def _check_well_formed(text: str) -> None:
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    roots: list[str] = []
    parser.StartElementHandler = lambda name, _attrs: roots.append(name) if not roots else None
    try:
        # A str is parsed as the text it is: its (now stale) declared encoding is ignored.
        parser.Parse(text, True)
    except expat.ExpatError as err:
        raise ValidationError(f"OPML file refused: not well-formed XML ({err})") from None
    if roots[0].rsplit("}", 1)[-1].lower() != "opml":
        raise ValidationError(f"OPML file refused: the root element is <{roots[0]}>, "
                              "not <opml>")


def parse_opml(data: bytes) -> list[OpmlEntry]:
    """The feeds (outlines with an xmlUrl, at any depth) of an OPML document, de-duplicated.

    Raises ValidationError with a clear message for a malformed file, a file without
    feeds, or one whose feed URLs are not http(s) (naming the offending URL).
    """
    if not data or not data.strip():
        raise ValidationError("OPML file refused: the file is empty")
    if len(data) > MAX_OPML_BYTES:
        raise ValidationError(f"OPML file refused: larger than {MAX_OPML_BYTES // 1024} KiB")
    text = _decode(bytes(data))
    _check_well_formed(text)
    # listparser reads UTF-8 only, so it gets the text we decoded, as UTF-8.
    result = listparser.parse(text.encode("utf-8"))
    if not result.feeds:
        if result.bozo:
            raise ValidationError(f"OPML file refused: {result.bozo_exception}; "
                                  "no feeds found")
        raise ValidationError("OPML file refused: no outlines with an xmlUrl (no feeds) found")
    entries: list[OpmlEntry] = []
    seen: set[str] = set()
    for item in result.feeds:
        raw = item.get("url") or ""
        try:
            url = sources.check_url(raw)
        except ValidationError as err:
            raise ValidationError(f"OPML file refused, nothing imported: {err.message}") from None
        if url in seen:
            continue
        seen.add(url)
        entries.append(OpmlEntry(url=url, title=(item.get("title") or "").strip() or None))
    return entries


def import_opml(session: Session, data: bytes, site_slug: str, now: datetime) -> ImportReport:
    """Subscribe ``site_slug`` to every feed in the OPML ``data``; all or nothing.

    Feeds already subscribed (on any site) are skipped and reported. Any error raises
    before a row is added, so a refused file leaves the database as it was.
    """
    site = sources.get_site(session, site_slug)
    entries = parse_opml(data)
    present = set(session.scalars(select(Feed.url).where(
        Feed.url.in_([entry.url for entry in entries]))))
    report = ImportReport()
    for entry in entries:
        if entry.url in present:
            report.skipped.append(entry.url)
            continue
        report.append(sources.add_feed(session, site_slug=site.slug, url=entry.url,
                                             now=now, title=entry.title))
    return report


def export_opml(session: Session, now: datetime | None = None) -> bytes:
    """Every feed as OPML 2.0, one folder outline per site, ready to save as a file."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "diaryboost subscriptions"
    if now is not None:
        ET.SubElement(head, "dateCreated").text = format_datetime(now)
    body = ET.SubElement(root, "body")
    for site in sources.list_sites(session):
        folder = ET.SubElement(body, "outline", text=site.name, title=site.name)
        folder.set("htmlUrl", site.base_url)
        for feed in sorted(site.feeds, key=lambda f: f.id):
            label = feed.title or feed.url
            ET.SubElement(folder, "outline", type="rss", text=label, title=label,
                          xmlUrl=feed.url, htmlUrl=site.base_url)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
