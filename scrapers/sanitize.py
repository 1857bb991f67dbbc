"""One HTML sanitizer for everything that comes from a feed or a blog page.

feedparser's own sanitizer is switched off (scrapers.parse) so this runs exactly once,
with one policy: a small set of formatting tags, links and images with http/https URLs
only (relative ones resolved against the entry's base URL), no scripts, styles, frames,
forms, event handlers or ``javascript:``/``data:``/``vbscript:`` URLs, and every link
marked ``rel="noopener noreferrer nofollow"``. The result is what templates may render
with ``|safe``.
"""

from __future__ import annotations

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
    relative = ("rewrite_with_base", base_url) if _usable_base(base_url) else "deny"
    try:
        return _clean(html, relative)
    except ValueError:
        # A base urlsplit accepts but the URL crate rejects (odd ports, hosts).
        return _clean(html, "deny")


def _clean(html: str, relative) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
        url_relative=relative,
    ).strip()
