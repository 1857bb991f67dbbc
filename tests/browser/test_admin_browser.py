"""An admin tunes a site and adds a feed on the Sources page, in a real browser."""

from models import Feed, Site, TopicRule
from tests import factories
from tests.browser.conftest import browser_login, screenshot


def test_admin_changes_slots_and_adds_feed(page, live_server):
    with live_server.session() as s:
        admin = factories.make_user(s, role="admin", display_name="Ada Admin")
        site = factories.make_site(s, slug="mydd", name="MyDD", base_url="https://mydd.example",
                                   platform="scoop", rec_slots=8)
        factories.make_feed(s, site, url="https://mydd.example/backend.rss",
                            last_polled_at=factories.T0, last_status=200)
        factories.make_feed(s, site, url="https://mydd.example/tag/sicko.rss", error_count=6,
                            last_status=503, last_error="HTTP 503 Service Unavailable",
                            last_polled_at=factories.T0)
        s.add_all([TopicRule(phrase="single payer", weight=3.0),
                   TopicRule(phrase="SiCKO", weight=3.0, field="title"),
                   TopicRule(phrase="baseball", weight=-2.0, enabled=False)])
        diary = factories.make_diary(s, site)
        for n, (name, kinds) in enumerate([("Bea", "rrcx"), ("Cal", "rc"), ("Dot", "")]):
            mate = factories.make_user(s, display_name=name)
            for i, kind in enumerate(kinds):
                kind = {"r": "recommend", "c": "comment", "x": "crosspost"}[kind]
                factories.make_action(s, mate, factories.make_diary(s, site) if i else diary,
                                      kind, at=factories.T0 + factories.hours(24 * n + i))
        s.commit()
        email, site_id = admin.email, site.id
    live_server.set_now(factories.T0)
    browser_login(page, live_server, email, factories.PASSWORD)
    page.click("nav.mainnav >> text=Sources")
    assert page.url.endswith("/admin/sources/")

    card = page.locator(f"#site-{site_id}")
    card.locator("summary", has_text="Ranking settings").click()
    card.locator("input[name=rec_slots]").fill("5")
    card.locator("button:has-text('Save settings')").click()
    page.wait_for_load_state("networkidle")
    assert "Saved settings for MyDD." in page.inner_text(".flashes")

    form = page.locator("#add-feed form")
    form.locator("select[name=site]").select_option("mydd")
    form.locator("input[name=url]").fill("https://mydd.example/user/jane.rss")
    form.locator("select[name=kind]").select_option("user")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "Subscribed to https://mydd.example/user/jane.rss" in page.inner_text(".flashes")
    row = page.locator("tr", has_text="https://mydd.example/user/jane.rss")
    assert row.count() == 1 and "not polled yet" in row.inner_text()
    assert page.locator("tr.feed-failing").count() == 1
    screenshot(page, "sources")

    with live_server.session() as s:
        assert s.get(Site, site_id).rec_slots == 5
        assert s.query(Feed).filter_by(url="https://mydd.example/user/jane.rss").one().kind \
            == "user"

    page.click("nav.mainnav >> text=Topic rules")
    page.fill("#test-box input[name=title]", "SiCKO and single payer, explained")
    page.click("#test-box button[type=submit]")
    page.wait_for_load_state("networkidle")
    result = page.inner_text(".test-result")
    assert "single payer" in result and "SiCKO" in result
    screenshot(page, "topics")

    page.click("nav.mainnav >> text=Team")
    assert "Bea" in page.inner_text("#top") and "Dot" in page.inner_text("#inactive")
    screenshot(page, "team")
