"""The one sanitizer every feed summary goes through."""

import pytest

from scrapers.sanitize import sanitize_html

BASE = "https://www.dailykos.com/stories/2007/6/29/1/-x"


@pytest.mark.parametrize("dirty, clean", [
    ("<p>Hi<script>alert(1)</script></p>", "<p>Hi</p>"),
    ("<iframe src='https://evil.example/'></iframe><p>ok</p>", "<p>ok</p>"),
    ("<p onclick=\"steal()\">click</p>", "<p>click</p>"),
    ("<p style=\"position:fixed\">s</p><style>p{}</style>", "<p>s</p>"),
    ("<a href=\"javascript:alert(1)\">j</a>",
     "<a rel=\"noopener noreferrer nofollow\">j</a>"),
    ("<a href=\" JaVa&#x09;ScRipt:alert(1)\">j</a>",
     "<a rel=\"noopener noreferrer nofollow\">j</a>"),
    ("<a href=\"vbscript:msgbox\">v</a>", "<a rel=\"noopener noreferrer nofollow\">v</a>"),
    ("<img src=\"data:image/png;base64,AAAA\" alt=\"x\">", "<img alt=\"x\">"),
    ("<img src=\"/chart.png\" onerror=\"x()\">",
     "<img src=\"https://www.dailykos.com/chart.png\">"),
    ("<a href=\"../../comments\">c</a>",
     "<a href=\"https://www.dailykos.com/stories/2007/6/comments\" "
     "rel=\"noopener noreferrer nofollow\">c</a>"),
    ("<a href=\"http://example.org/x\" target=\"_blank\" rel=\"opener\">x</a>",
     "<a href=\"http://example.org/x\" rel=\"noopener noreferrer nofollow\">x</a>"),
    ("<object data=\"x.swf\"></object><embed src=\"x.swf\"><form><input></form>t", "t"),
    ("<!-- <script>x</script> --><b>b</b>", "<b>b</b>"),
    ("<h2>Head</h2><ul><li><em>e</em></li></ul><pre><code>c</code></pre>",
     "<h2>Head</h2><ul><li><em>e</em></li></ul><pre><code>c</code></pre>"),
])
def test_sanitizer_cases(dirty, clean):
    assert sanitize_html(dirty, BASE) == clean


def test_relative_links_are_dropped_without_a_usable_base():
    assert sanitize_html("<a href=\"/x\">x</a>", "not a url") == \
        "<a rel=\"noopener noreferrer nofollow\">x</a>"


def test_empty_input():
    assert sanitize_html("", BASE) == ""


def test_a_base_the_url_parser_rejects_drops_relative_links_instead_of_failing():
    assert sanitize_html("<a href=\"/x\">x</a><b>ok</b>", "http://host:99999/") == \
        "<a rel=\"noopener noreferrer nofollow\">x</a><b>ok</b>"


def test_a_huge_summary_is_stored_at_most_the_documented_size():
    from scrapers.sanitize import SUMMARY_MAX_CHARS

    huge = "<p>" + "<b>single payer</b> now " * 200_000 + "</p>"  # about 4.8 MB
    cleaned = sanitize_html(huge, "http://blog.example.org/")
    assert 0 < len(cleaned) <= SUMMARY_MAX_CHARS
    assert cleaned.startswith("<p><b>single payer</b> now")


def test_markup_nested_too_deep_is_kept_as_its_text():
    deep = "Intro " + "<div>" * 1_000 + "deep <b>text</b>" + "</div>" * 1_000
    assert sanitize_html(deep, "http://blog.example.org/") == "<p>Intro deep text</p>"
