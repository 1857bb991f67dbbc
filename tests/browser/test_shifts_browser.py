"""A coordinator plans a repeating shift for a blogger, who then finds it on My shifts and
on Boost today while it runs."""

from datetime import UTC, datetime, timedelta

from tests import factories
from tests.browser.conftest import browser_login, screenshot

MONDAY_NOON = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)  # Mon 16 Nov, 12:00 in Los Angeles
DURING_FIRST = datetime(2026, 11, 18, 3, 30, tzinfo=UTC)  # Tue 17 Nov, 19:30 in Los Angeles


def test_coordinator_plans_repeating_shift_and_blogger_sees_it(page, live_server):
    with live_server.session() as s:
        kos = factories.make_site(s, name="Daily Kos", slug="dailykos")
        mydd = factories.make_site(s, name="MyDD", slug="mydd")
        # Eight weeks of posting history: Daily Kos busy on weekday evenings, MyDD at noon.
        for week in range(1, 9):
            for day in range(5):
                base = MONDAY_NOON - timedelta(weeks=week) + timedelta(days=day)
                factories.make_diary(s, kos, published_at=base + timedelta(hours=6))
                factories.make_diary(s, kos, published_at=base + timedelta(hours=7))
                factories.make_diary(s, mydd, published_at=base)
        coordinator = factories.make_user(s, role="coordinator", display_name="Cora Coordinator",
                                          timezone="America/Los_Angeles")
        blogger = factories.make_user(s, display_name="Bea Blogger",
                                      timezone="America/Los_Angeles")
        s.commit()
        coordinator_email, blogger_email = coordinator.email, blogger.email
    live_server.set_now(MONDAY_NOON)

    browser_login(page, live_server, coordinator_email, factories.PASSWORD)
    page.goto(f"{live_server.url}/shifts/coverage")
    assert "Worst-covered busy hours" in page.content()
    page.select_option("#site_id", label="Daily Kos")
    page.fill("#day", "2026-11-17")
    page.fill("#start", "18:00")
    page.fill("#end", "21:00")
    page.select_option("#focus", "recommend")
    page.fill("#places", "2")
    page.select_option("#repeat", "weekdays")
    page.fill("#count", "4")
    page.fill("#note", "SiCKO week: recommend every single-payer diary")
    page.select_option("#assignees", label="Bea Blogger")
    page.click("form.shift-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    content = page.content()
    assert "Created 4 shifts." in content
    rows = page.locator("tr[data-shift-id]")
    assert rows.count() == 4
    assert "Bea Blogger" in rows.first.inner_text() and "1 of 2 open" in rows.first.inner_text()
    # Tuesday 18:00–21:00 now has someone on in the grid.
    assert page.locator(".cov-grid td.cov-on").count() >= 3
    screenshot(page, "shifts-coverage")

    page.click("button:has-text('Log out')")
    page.wait_for_load_state("networkidle")
    live_server.set_now(DURING_FIRST)
    browser_login(page, live_server, blogger_email, factories.PASSWORD)
    page.goto(f"{live_server.url}/shifts/")
    now_row = page.locator("tr.shift-now")
    assert now_row.count() == 1
    assert "Daily Kos" in now_row.inner_text() and "on now" in now_row.inner_text()
    assert "Tue 17 Nov 18:00–21:00" in now_row.inner_text()
    assert page.locator("tr[data-shift-id]").count() == 4
    screenshot(page, "my-shifts")

    page.goto(f"{live_server.url}/boost/")
    banner = page.locator(".shift-banner").inner_text()
    assert "On shift for Daily Kos" in banner and "until 21:00" in banner
