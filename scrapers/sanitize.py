"""One HTML sanitizer for everything that comes from a feed or a blog page.

feedparser's own sanitizer is switched off (scrapers.parse) so this runs exactly once,
with one policy: a small set of formatting tags, links and images with http/https URLs
only (relative ones resolved against the entry's base URL), no scripts, styles, frames,
forms, event handlers or ``javascript:``/``data:``/``vbscript:`` URLs, and every link
marked ``rel="noopener noreferrer nofollow"``. The result is what templates may render
with ``|safe``.

Bounded work and size, whatever a feed sends: a summary is stored as at most
``SUMMARY_MAX_CHARS`` characters (longer input is cut before cleaning, and if the
cleaned markup is still too long, the summary becomes its plain text); and markup nested
deeper than ``MAX_DEPTH`` elements is stored as plain text too, since the HTML parser's
time grows with the square of the depth (50,000 nested ``<div>``s took seconds).
"""

from __future__ import annotations

import html as html_lib
import re
from functools import lru_cache
from urllib.parse import urlsplit

import nh3

ALLOWED_TAGS = frozenset({
    "a", "p", "br", "em", "strong", "b", "i", "ul", "ol", "li", "blockquote", "img",
    "h1", "h2", "h3", "h4", "h5", "h6", "pre", "code", "span",
})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
}
# Dropped together with their content (the text inside a <script> is not prose).
DROP_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "noscript",
                               "template", "title"})
URL_SCHEMES = frozenset({"http", "https"})
SUMMARY_MAX_CHARS = 20_000  # a diary summary is a teaser; the diary page has the rest
MAX_DEPTH = 100
# Counting depth costs a regex scan, so only fragments with this many tags are checked.
_DEPTH_CHECK_TAGS = 200
_TAG = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)[^>]*?(/?)>")
# Elements the HTML parser closes by itself (or that never hold content): they do not
# deepen the tree however many appear.
_NO_DEPTH = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option", "br", "img",
                       "hr", "input", "meta", "link", "wbr", "col", "area", "source"})
LINK_REL = "noopener noreferrer nofollow"


def _usable_base(base_url: str) -> bool:
    try:
        parts = urlsplit(base_url)
    except ValueError:
        return False
    return parts.scheme in URL_SCHEMES and bool(parts.netloc)


def sanitize_html(html: str, base_url: str) -> str:
    """Clean untrusted HTML; relative URLs are resolved against ``base_url``.

    When ``base_url`` is not an absolute http(s) URL, relative URLs are removed
    instead (they could not be followed from our pages anyway).
    """
    if not html:
        return ""
    html = html[:SUMMARY_MAX_CHARS * 9 // 10]  # room for the end tags nh3 adds
    if html.count("<") > _DEPTH_CHECK_TAGS and nesting_depth(html) > MAX_DEPTH:
        return plain_text_html(html)
    cleaned = _cleaner(base_url).clean(html).strip()
    if len(cleaned) > SUMMARY_MAX_CHARS:
        return plain_text_html(cleaned)
    return cleaned


def nesting_depth(html: str) -> int:
    """How deep the elements of ``html`` nest (an upper bound, from the tags alone)."""
    depth = deepest = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        if name.lower() in _NO_DEPTH or self_closing:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def plain_text_html(html: str) -> str:
    """The visible text of ``html`` as one escaped paragraph of at most SUMMARY_MAX_CHARS."""
    text = " ".join(html_lib.unescape(re.sub(r"<[^>]*(?:>|$)", " ", html)).split())
    if not text:
        return ""
    out = []
    size = len("<p></p>")
    for word in text.split(" "):
        piece = html_lib.escape(word, quote=False)
        if size + len(piece) + 1 > SUMMARY_MAX_CHARS:
            break
        out.append(piece)
        size += len(piece) + 1
    return f"<p>{' '.join(out)}</p>" if out else ""


@lru_cache(maxsize=256)
def _cleaner(base_url: str) -> nh3.Cleaner:
    """The sanitizer for one base URL, built once: a feed's entries share their base,
    and a prepared Cleaner is several times cheaper per call than ``nh3.clean``."""
    if _usable_base(base_url):
        try:
            return _build(("rewrite_with_base", base_url))
        except ValueError:
            pass  # a base urlsplit accepts but the URL crate rejects (odd ports, hosts)
    return _build("deny")


def _build(relative) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
        url_relative=relative,
    )
