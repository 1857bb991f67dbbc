"""Boost today in a real browser, as one teammate: "Not for me" and snooze turn the row
into an Undo line in place, Undo brings it back, and a row whose actions the teammate
logged folds under "Done by you" on the next poll, all without a reload."""

from tests import factories
from tests.browser.conftest import browser_login, screenshot
from tests.browser.test_boost_browser import NOW, _seed
from tests.factories import hours


def test_dismiss_undo_snooze_and_done_rows_fold_away(page, live_server):
    live_server.set_now(NOW)
    email, rising, star, _xss = _seed(live_server)
    browser_login(page, live_server, email, factories.PASSWORD)
    page.evaluate("window.__noReload = 'still here'")

    page.locator(f"#diary-{rising}").get_by_role("button", name="Not for me").click()
    hidden = page.locator(f"#diary-{rising}.row-hidden")
    hidden.wait_for()
    assert "Not for you: Single payer now: call your rep today" in hidden.inner_text()
    screenshot(page, "board-marks-dismissed")
    hidden.get_by_role("button", name="Undo").click()
    page.locator(f"#diary-{rising}:not(.row-hidden)").wait_for()
    assert page.locator(f"#diary-{rising}").get_by_role("button",
                                                        name="I recommended").is_visible()

    star_row = page.locator(f"#diary-{star}")
    star_row.locator("summary", has_text="Snooze").click()
    star_row.get_by_role("button", name="for 1 hour").click()
    page.locator(f"#diary-{star}.row-hidden", has_text="Snoozed until").wait_for()
    assert page.evaluate("window.__noReload") == "still here"

    # Later (the undo window over) the snoozed row waits, reachable, under "Hidden by you".
    live_server.set_now(NOW + hours(0.25))
    page.reload()
    assert page.locator(f"ol.boost-list > #diary-{star}").count() == 0
    page.locator("summary", has_text="Hidden by you (1)").click()
    bring_back = page.locator(f"#hidden-{star}").get_by_role("button", name="Bring back")
    assert bring_back.is_visible()

    # The teammate logs both things the rising diary asks for: the next poll folds it away.
    page.evaluate("window.__noReload = 'still here'")
    row = page.locator(f"#diary-{rising}")
    row.get_by_role("button", name="I recommended").click()
    page.locator(f"#diary-{rising} .done", has_text="Recommended").wait_for()
    page.locator(f"#diary-{rising}").get_by_role("button", name="I commented").click()
    page.locator(f"#diary-{rising} .done", has_text="Commented").wait_for()
    # The row keeps its place while its "Logged" notice holds the focus; the user moves on.
    page.locator("h1").click()
    page.locator(f"#board-folded #diary-{rising}").wait_for(state="attached", timeout=75_000)
    assert page.locator(f"ol[data-live] > #diary-{rising}").count() == 0
    page.locator("summary", has_text="Done by you (1)").click()
    assert page.evaluate("window.__noReload") == "still here"
    screenshot(page, "board-marks-folded")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "board-marks-folded-phone")

    bring_back = page.locator(f"#hidden-{star}").get_by_role("button", name="Bring back")
    bring_back.click()
    page.wait_for_load_state("networkidle")
    assert page.locator(f"ol.boost-list > #diary-{star}").count() == 1
