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


def test_admin_previews_a_week_in_the_browser(page, live_server):
    from tests import factories
    from tests.browser.conftest import browser_login
    from tests.digest.seed import SEND_AT, seed_week

    with live_server.session() as s:
        seeded = seed_week(s)
        s.commit()
        email = seeded.admin.email
    live_server.set_now(SEND_AT)
    browser_login(page, live_server, email, factories.PASSWORD)
    page.set_viewport_size({"width": 1100, "height": 1000})
    page.goto(f"{live_server.url}/digest/preview")
    assert page.get_by_role("heading", name="Weekly digest · 2026-W47").is_visible()
    frame = page.frame_locator("iframe.digest-frame")
    # The mail's own inlined styles apply inside the frame, and nothing breaks the page's CSP
    # (a refused style or script would be a console error, which fails this test).
    frame.get_by_role("heading", name="Came close").wait_for()
    colour = frame.locator(".head").evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour == "rgb(11, 110, 79)"
    assert frame.get_by_text("Feeds in trouble").is_visible()
    page.get_by_text("Plain-text part").click()
    assert page.locator(".digest-text pre").is_visible()
    screenshot(page, f"digest-preview-{live_server.sessions.kw['bind'].dialect.name}")
