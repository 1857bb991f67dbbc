"""The HTML digest at a phone-ish 600 px: nothing sticks out, nothing scrolls sideways."""

from __future__ import annotations

from app.digest.render import Recipient, render
from tests.browser.conftest import screenshot
from tests.digest.seed import sample_digest


def test_digest_html_fits_600px_and_reads_well(page):
    recipient = Recipient(1, "Alice", "alice@example.org", "America/Los_Angeles", True,
                          "https://boost.example.org/digest/unsubscribe/token")
    html = render(sample_digest(), recipient).html
    page.set_viewport_size({"width": 600, "height": 900})
    page.set_content(html)
    path = screenshot(page, "digest")
    assert path.stat().st_size > 10_000
    assert page.evaluate("document.documentElement.scrollWidth") <= 600
    too_wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(el => { const r = el.getBoundingClientRect();
                        return r.width > 600 || r.right > 600.5 || r.left < 0; })
        .map(el => el.tagName + '.' + el.className)""")
    assert too_wide == []
    # What a volunteer looks for first is there and readable.
    assert page.get_by_role("heading", name="Made the rec list").is_visible()
    assert page.get_by_text("missed by ~3 recs").first.is_visible()
    assert page.get_by_role("link", name="Unsubscribe").get_attribute("href") == \
        recipient.unsubscribe_url
    assert page.locator("script, img, link[rel=stylesheet]").count() == 0
