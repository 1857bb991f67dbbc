"""The one URL-safety rule (scrapers.clean.web_link): what may become a link in a page,
a mail, the API or the Atom feed. Hostile inputs from feeds and forms."""

import pytest

from app.boost import actions
from scrapers.clean import is_web_url, web_link

GOOD = [
    ("https://www.dailykos.com/story/2026/1/2/1", "https://www.dailykos.com/story/2026/1/2/1"),
    ("http://x.org", "http://x.org"),
    ("HTTP://x.org/a", "HTTP://x.org/a"),
    ("hTtPs://x.org/a?b=c#d", "hTtPs://x.org/a?b=c#d"),
    ("https://x.org:8443/a", "https://x.org:8443/a"),
    ("https://[2001:db8::1]/a", "https://[2001:db8::1]/a"),
    # What a browser cleans: spaces and controls around it, tabs and newlines inside.
    ("  https://x.org/a \n", "https://x.org/a"),
    ("\x00\x1fhttps://x.org/a", "https://x.org/a"),
    ("ht\ttp://x.org/a", "http://x.org/a"),
    ("https://x.org/\na", "https://x.org/a"),
]

BAD = [
    None, "", "   ",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
    "java\tscript:alert(1)", "java\nscript:alert(1)", "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "DATA:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)", "file:///etc/passwd", "ftp://x.org/a", "mailto:a@x.org",
    "//evil.example/a",  # protocol-relative: the page's scheme, someone else's host
    "/local/path", "x.org/a", "http://", "https://", "http:///a", "http:x.org",
    "https:\\\\evil.example", "https:/\\evil.example/",
    "https://bank.example@evil.example/", "https://user:pw@x.org/",
    "http://evil.example\\@good.example/",
    "https://x.org:99999/", "https://x.org:port/", "http://[::1/",
    "https://x.org/a b", "https://x.org/\u00a0", "https://x.org/\u2028a", "https://x.org/\u200b",
]


@pytest.mark.parametrize(("value", "shown"), GOOD)
def test_web_links_are_kept_as_a_browser_reads_them(value, shown):
    assert web_link(value) == shown
    assert is_web_url(value)


@pytest.mark.parametrize("value", BAD)
def test_hostile_or_unusable_links_are_refused(value):
    assert web_link(value) == ""
    assert not is_web_url(value)


def test_the_app_uses_the_same_rule():
    # Logging a cross-post, the board and the digest ask the one rule, not a copy.
    assert actions.is_web_url is is_web_url
