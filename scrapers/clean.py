"""Clean text at the door: what a feed may put in a title, author, tag, link or summary.

Pure functions, applied once at ingest (:mod:`scrapers.parse`), so nothing stored can
make the Atom feed ill-formed or reach a terminal as an escape sequence:

* C0 and C1 control characters, unpaired surrogates and Unicode noncharacters go
  (tab, newline and carriage return stay in summaries, where they are white space);
* titles, authors and tags are one line with single spaces;
* a link is kept only if it is an http(s) URL once browsers' own clean-up is applied
  (they drop tabs and newlines inside a URL and leading control characters, so
  ``java&#x09;script:`` is ``javascript:``);
* an author that looks like mail headers (``Bcc: a@b.example (Evil``) becomes a name.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# C0 controls but tab/LF/CR, DEL and C1, surrogates, and the noncharacters: U+FDD0..FDEF
# and the last two code points of every plane.
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                  + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(17))
                  + "]")
_BAD_IN_LINE = re.compile(_BAD.pattern[:-1] + "\t\n\r]")
_SPACES = re.compile(r"\s+")
# What the WHATWG URL parser strips before reading a scheme.
_URL_NOISE = re.compile("[\t\n\r]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_HEADER = re.compile(r"(?:^|\s)(?:bcc|cc|to|from|reply-to|sender|subject|content-[\w-]+)\s*:",
                     re.IGNORECASE)
_EMAIL = re.compile(r"<?[^\s<>()@,;:\"]+@[^\s<>()@,;:\"]+>?")
WEB_SCHEMES = ("http", "https")
_PLAIN_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


def clean_text(value: str) -> str:
    """``value`` without control characters, surrogates or noncharacters."""
    if not value or value.isprintable():
        return value
    return _BAD.sub("", value)


def one_line(value: str | None) -> str:
    """Clean text on one line: every run of white space (newlines too) is one space."""
    if not value:
        return ""
    if value.isprintable() and "  " not in value and value[0] != " " != value[-1]:
        return value  # the usual title: nothing to do (this runs on every entry)
    return _SPACES.sub(" ", _BAD_IN_LINE.sub(" ", value)).strip()


def web_link(value: str | None) -> str:
    """``value`` as a link we may show, cleaned as a browser would read it, else "".

    The one URL-safety rule: ingest stores only such links, and every page, mail, API
    answer and feed shows only such links (:func:`is_web_url`). Browsers drop tabs and
    newlines anywhere in a URL and control characters and spaces around it, so that is
    done first (``java&#x09;script:`` is ``javascript:``). What is left must be an
    absolute http(s) URL (any case) naming a host, with no ``user:password@`` (a link
    reading ``https://bank.example@evil.example`` goes to evil.example), no white space
    or invisible character inside, and a port and brackets ``urlsplit`` can read.
    """
    if not value:
        return ""
    if value.startswith(("http://", "https://")) and value.isprintable() and " " not in value:
        # The usual link (this runs on every entry): a plain host name needs no urlsplit.
        start = 8 if value[4] == "s" else 7
        end = len(value)
        for mark in "/?#":
            found = value.find(mark, start, end)
            if found >= 0:
                end = found
        if _PLAIN_HOST.fullmatch(value, start, end):
            return value
        url = value
    else:
        url = _URL_NOISE.sub("", clean_text(value)).strip(" \x00")
        match = _SCHEME.match(url)
        if (match is None or match.group(1).lower() not in WEB_SCHEMES
                or not url.isprintable() or " " in url):
            return ""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return ""
    if not parts.hostname or "@" in parts.netloc or "\\" in parts.netloc:
        return ""
    return url


def is_web_url(value: str | None) -> bool:
    """Whether ``value`` is a link we may show (see :func:`web_link`)."""
    return bool(web_link(value))


def plain_author(value: str | None) -> str | None:
    """An author name on one line; mail-header prefixes and addresses are dropped, and a
    name in parentheses after an address (``jo@x.example (Jo Doe)``) is kept."""
    text = one_line(value)
    if not text:
        return None
    if "@" not in text and ":" not in text and "(" not in text:
        return text[:200]
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    text = _HEADER.sub(" ", text)
    text = one_line(text.replace("(", " ").replace(")", " ").strip(" ,;:\"'<>"))
    return text[:200] or None


def has_scheme(value: str) -> bool:
    """Whether ``value`` (browser-cleaned) names a scheme, i.e. is not a relative link."""
    return _SCHEME.match(_URL_NOISE.sub("", clean_text(value)).strip(" \x00")) is not None


def terminal_safe(value: str) -> str:
    """``value`` with control characters shown as escapes (``\\x1b``), for printing: a
    stored title must not move a terminal's cursor or change its colours."""
    if value.isprintable():
        return value
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in value)
