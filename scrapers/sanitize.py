"""One HTML sanitizer for everything that comes from a feed or a blog page.

feedparser's own sanitizer is switched off (scrapers.parse) so this runs exactly once,
with one policy: a small set of formatting tags, links and images with http/https URLs
only (relative ones resolved against the entry's base URL), no scripts, styles, frames,
forms, event handlers or ``javascript:``/``data:``/``vbscript:`` URLs, and every link
marked ``rel="noopener noreferrer nofollow"``. The result is what templates may render
with ``|safe``.
"""

from __future__ import annotations

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
    return _cleaner(base_url).clean(html).strip()


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
