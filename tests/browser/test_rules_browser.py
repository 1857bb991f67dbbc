"""An admin fixes a redesigned site in a real browser: types extraction rules, tries them on
a live diary page of the site (simulated, fetched through the guarded fetcher), saves."""

import dataclasses

from sim import BlogNetwork
from tests import factories
from tests.browser.conftest import browser_login, screenshot


def test_admin_tests_rules_on_a_live_page_then_saves_them(page, live_server):
    net = BlogNetwork(seed=1, start=factories.T0)
    net.start()
    try:
        net.advance(60)
        net.set_redesigned("dailykos")
        host, port = net.base_url.removeprefix("http://").rsplit(":", 1)
        app = live_server.app
        config = app.extensions["diaryboost.config"]
        app.extensions["diaryboost.config"] = dataclasses.replace(
            config, PRIVATE_ADDRESS_ALLOWLIST=frozenset({(host, int(port))}))
        diary = net.diaries("dailykos")[-1]
        with live_server.session() as s:
            admin = factories.make_user(s, role="admin", display_name="Ada Admin")
            site = factories.make_site(s, slug="dailykos", name="Daily Kos",
                                       base_url=net.site_url("dailykos"), platform="dailykos")
            s.commit()
            email, site_id = admin.email, site.id
        live_server.set_now(net.now)
        browser_login(page, live_server, email, factories.PASSWORD)
        page.goto(f"{live_server.url}/admin/sources/")
        card = page.locator(f"#site-{site_id}")
        card.locator("summary", has_text="Extraction rules").click()
        form = card.locator("form.rules-form")
        form.locator("select[name=recommends_kind]").select_option("regex")
        form.locator("input[name=recommends_expression]").fill(r'"recs":\s*(\d+)')
        form.locator("select[name=author_kind]").select_option("css")
        form.locator("input[name=author_expression]").fill("p.writer")
        form.locator("input[name=test_url]").fill(net.diary_url("dailykos", diary))
        form.get_by_role("button", name="Test on this URL").click()
        page.wait_for_load_state("networkidle")

        table = page.locator(f"#site-{site_id} table.rule-preview")
        recs = table.locator("tr[data-field=recommends]")
        assert recs.locator(".built-in").inner_text() == "— (not found)"
        assert recs.locator(".by-rule").inner_text() == str(diary.recommends(net.now))
        assert table.locator("tr[data-field=author] .by-rule").inner_text() == diary.author
        # The typed rules are still in the form, unsaved, ready to be saved.
        screenshot(page, "extraction-rules-preview")
        page.locator(f"#site-{site_id} form.rules-form").get_by_role(
            "button", name="Save rules").click()
        page.wait_for_load_state("networkidle")
        assert "Saved 2 extraction rule(s) for Daily Kos." in page.inner_text(".flashes")

    finally:
        net.stop()
