"""A feed document made safe for feedparser: no entity declarations, nothing that loses
the whole feed for one bad item.

feedparser expands entities declared in a DOCTYPE's internal subset (its loose parser
has no limit: a quadratic blow-up ran until MemoryError), raises on a reference to an
unpaired surrogate (``&#xD800;``: the whole feed was lost), and decodes a whole document
as windows-1252 when a single byte is not UTF-8. :func:`prepare` works on the bytes,
before feedparser sees them:

* a document that declares entities is refused (defusedxml's rule);
* character references to surrogates, noncharacters, C0 controls and code points past
  U+10FFFF are removed, and so are raw C0 control bytes (XML allows neither);
* a UTF-8 document (declared, or by default) with a few invalid bytes is decoded with
  replacement characters, so its other text survives; one with no valid multi-byte
  UTF-8 sequence at all is left to feedparser's own fallback (it is windows-1252 text
  labelled UTF-8, a common mistake);
* UTF-16/32 documents (by BOM) are re-encoded as UTF-8 first, so the steps above apply.

Each repair is returned as a note; the feed is then flagged as not well-formed.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[(.*?)\]\s*>", re.DOTALL | re.IGNORECASE)
_CHARREF = re.compile(rb"&#(?:[xX]0*([0-9a-fA-F]{1,8})|0*([0-9]{1,10}));")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_XML_ENCODING = re.compile(rb"^(\s*<\?xml[^>]*?encoding\s*=\s*[\"'])([\w.:-]+)([\"'])")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, None), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


class Refused(ValueError):
    """The document is refused as a whole; ``message`` is the poll's error."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _bad_code_point(code: int) -> bool:
    return (code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or 0xFDD0 <= code <= 0xFDEF
            or (code & 0xFFFE) == 0xFFFE or (code < 0x20 and code not in (9, 10, 13)))


def _charref(match: re.Match) -> bytes:
    hex_digits, digits = match.groups()
    code = int(hex_digits, 16) if hex_digits else int(digits)
    return b"" if _bad_code_point(code) else match.group(0)


def _declared_encoding(body: bytes, headers: Mapping[str, str]) -> str:
    for key, value in (headers or {}).items():
        if str(key).lower() == "content-type":
            match = _CHARSET.search(str(value))
            if match:
                return match.group(1).lower()
    match = _XML_ENCODING.match(body[:200])
    if match:
        return match.group(2).decode("ascii").lower()
    return "utf-8"


def _from_wide(body: bytes, encoding: str) -> bytes:
    text = body.decode(encoding, "replace").lstrip("\ufeff")
    data = text.encode("utf-8", "replace")
    return _XML_ENCODING.sub(rb"\1utf-8\3", data, count=1)


def prepare(body: bytes, headers: Mapping[str, str]) -> tuple[bytes, list[str]]:
    """The document to hand feedparser, and what was repaired. Raises :class:`Refused`."""
    notes: list[str] = []
    for bom, wide in _BOMS:
        if body.startswith(bom):
            if wide:
                body = _from_wide(body, wide)
            break
    if b"<!" in body:
        for subset in _DOCTYPE_SUBSET.finditer(body):
            if b"<!ENTITY" in subset.group(1).upper():
                raise Refused("refused: the document declares its own entities (a DOCTYPE "
                              "internal subset); they are never expanded")
    if b"&#" in body:
        fixed = _CHARREF.sub(_charref, body)
        if fixed != body:
            notes.append("references to invalid characters removed")
            body = fixed
    if _CONTROL_BYTES.search(body):
        body = _CONTROL_BYTES.sub(b"", body)
        notes.append("control characters removed")
    if _declared_encoding(body, headers) in ("utf-8", "utf8"):
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            if _UTF8_MULTIBYTE.search(body):
                text = body.decode("utf-8", "replace")
                notes.append(f"{text.count(chr(0xFFFD))} byte sequence(s) that are not "
                             f"UTF-8 replaced")
                body = text.encode("utf-8")
    return body, notes


# Elements of an item that hold text: one left open swallows the items after it.
_LEAVES = ("title", "link", "description", "guid", "author", "pubdate", "summary", "content",
           "content:encoded", "dc:creator", "category", "comments", "id", "published",
           "updated")
_ITEM_START = re.compile(rb"(?=<(?:item|entry)[\s>])", re.IGNORECASE)
_ITEM_END = re.compile(rb"</(?:item|entry)\s*>|</channel\s*>|</feed\s*>|</rdf:rdf\s*>",
                       re.IGNORECASE)
_OPEN = {tag: re.compile(rb"<" + re.escape(tag.encode()) + rb"(?:\s[^>]*)?(?<!/)>",
                         re.IGNORECASE) for tag in _LEAVES}
_CLOSE = {tag: re.compile(rb"</" + re.escape(tag.encode()) + rb"\s*>", re.IGNORECASE)
          for tag in _LEAVES}


def close_items(body: bytes) -> bytes | None:
    """``body`` with the text elements each item left open closed at the item's end (an
    unclosed ``<description>`` otherwise swallows the next items), or None when there is
    nothing to close. For documents feedparser already found ill-formed."""
    parts = _ITEM_START.split(body)
    if len(parts) < 2:
        return None
    out, changed = [parts[0]], False
    for part in parts[1:]:
        end = _ITEM_END.search(part)
        head, tail = (part[:end.start()], part[end.start():]) if end else (part, b"")
        closers = b""
        for tag, opening in _OPEN.items():
            missing = len(opening.findall(head)) - len(_CLOSE[tag].findall(head))
            if missing > 0:
                closers += (b"</" + tag.encode() + b">") * missing
        if end is None or not end.group(0).lower().startswith((b"</item", b"</entry")):
            closers += b"</entry>" if part[:6].lower() == b"<entry" else b"</item>"
        if closers:
            changed = True
        out.append(head + closers + tail)
    return b"".join(out) if changed else None
