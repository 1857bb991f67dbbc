"""Boost today in a real browser: ranked list, in-place action logging, the diary chart,
hostile feed text shown as text, and a blogger kept out of the admin pages."""

from models import RecListEntry, RecListSnapshot, SiteAccount, username_key
from tests import factories
from tests.browser.conftest import browser_login, screenshot
from tests.factories import T0, hours

NOW = T0 + hours(3)


def _seed(server):
    with server.session() as s:
        dk = factories.make_site(s, slug="dailykos", name="Daily Kos",
                                 base_url="https://www.dailykos.com")
        mydd = factories.make_site(s, slug="mydd", name="MyDD", base_url="https://www.mydd.com")
        factories.make_site(s, slug="calitics", name="Calitics",
                            base_url="https://www.calitics.com")
        rising = factories.make_diary(s, dk, title="Single payer now: call your rep today",
                                      author="kosak", published_at=NOW - hours(1))
        for at, recs, com in ((NOW - hours(1), 0, 0), (NOW - hours(0.5), 3, 1),
                              (NOW, 5, 2)):
            factories.make_metric(s, rising, at=at, recommends=recs, comments=com)
        star = factories.make_diary(s, mydd, title="SiCKO screening tonight in Oakland",
                                    author="jerome", published_at=NOW - hours(2))
        for at, recs, com in ((NOW - hours(1.5), 8, 4), (NOW - hours(1), 14, 8),
                              (NOW, 22, 12)):
            factories.make_metric(s, star, at=at, recommends=recs, comments=com)
        xss = factories.make_diary(s, dk, title="<script>alert(1)</script>",
                                   url="javascript:alert(1)", published_at=NOW - hours(0.5))
        # Read once: a diary whose counts were never read has no known need yet.
        factories.make_metric(s, xss, at=NOW - hours(0.1))
        user = factories.make_user(s, display_name="Bea Blogger")
        s.add(SiteAccount(user_id=user.id, site_id=dk.id, username="Bea_Writes",
                          username_key=username_key("Bea_Writes")))
        s.commit()
        return user.email, rising.id, star.id, xss.id


def test_boost_today_logs_actions_in_place(page, live_server):
    live_server.set_now(NOW)
    email, rising, star, xss = _seed(live_server)
    browser_login(page, live_server, email, factories.PASSWORD)
    assert page.url.endswith("/boost/")
    titles = page.locator(".boost-row .row-title").all_inner_texts()
    assert titles[0] == "Single payer now: call your rep today"
    assert "SiCKO screening tonight in Oakland" in titles
    # The hostile diary is plain text: no link, no dialog (the page fixture fails on one).
    assert page.locator(f"#diary-{xss} .row-title").inner_text() == "<script>alert(1)</script>"
    assert page.locator(f"#diary-{xss} .row-title a").count() == 0
    screenshot(page, "boost-today")

    page.evaluate("window.__noReload = 'still here'")
    row = page.locator(f"#diary-{rising}")
    row.get_by_role("button", name="I recommended").click()
    page.locator(f"#diary-{rising} .done", has_text="Recommended").wait_for()
    assert "1 teammate acted" in page.locator(f"#diary-{rising}").inner_text()
    assert page.locator(f"#diary-{rising} .row-notice").inner_text().startswith("Logged")

    star_row = page.locator(f"#diary-{star}")
    star_row.locator("summary", has_text="I cross-posted").click()
    star_row.locator("select[name=target_site]").select_option("calitics")
    star_row.locator("input[name=url]").fill("https://www.calitics.com/diary/sicko")
    star_row.get_by_role("button", name="Log cross-post").click()
    page.locator(f"#diary-{star} .done", has_text="Cross-posted").wait_for()
    needs = page.locator(f"#diary-{star} .needs").inner_text()
    assert "cross-post to Daily Kos" in needs and "Calitics" not in needs
    assert page.evaluate("window.__noReload") == "still here"

    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "boost-today-phone")


def test_diary_page_chart_and_blogger_denied_sources(page, live_server):
    live_server.set_now(NOW)
    email, rising, _star, _xss = _seed(live_server)
    browser_login(page, live_server, email, factories.PASSWORD)
    page.goto(f"{live_server.url}/diaries/{rising}")
    assert page.locator("svg.chart polyline.line-rec").count() == 1
    assert ("Watch: out of reach for now: needs ~6 more; 1 of you online"
            in page.locator(".breakdown").inner_text())
    page.locator("details.why summary").click()
    assert "half-life 2 h" in page.locator("details.why").inner_text()
    screenshot(page, "boost-diary")
    page.goto(f"{live_server.url}/profile/")
    page.get_by_role("button", name="Create a token").click()
    assert len(page.locator("#new-token").inner_text()) > 30
    screenshot(page, "boost-profile")
    response = page.goto(f"{live_server.url}/admin/sources/")
    assert response.status == 403
    page.wait_for_load_state("networkidle")  # let the error page finish loading its assets


def _seed_rec_list(server):
    """Daily Kos with a 3-slot rec list read now: two off-topic diaries and one we follow at
    the bottom (protect); one we follow a few recs short and gaining (act), written by Bea
    herself (ours); one far off (watch). Two teammates were at the board two minutes ago."""
    with server.session() as s:
        dk = factories.make_site(s, slug="dailykos", name="Daily Kos", rec_slots=3,
                                 base_url="https://www.dailykos.com", rec_list_checked_at=NOW)

        def diary(title, recs, age_h, topic=3.0, listed=False, gained=0, author=None):
            d = factories.make_diary(s, dk, title=title, published_at=NOW - hours(age_h),
                                     topic_score=topic, on_rec_list=listed, recommends=recs,
                                     **({"author": author} if author else {}))
            factories.make_metric(s, d, at=NOW - hours(age_h), recommends=recs - gained,
                                  comments=9)
            factories.make_metric(s, d, at=NOW, recommends=recs, comments=9)
            return d.id

        listed = [diary("Baseball thread", 60, 2, topic=0.0, listed=True),
                  diary("Open thread", 40, 2, topic=0.0, listed=True)]
        ids = {"protect": diary("Medicare for all: the vote count", 20, 2, listed=True),
               "act": diary("Single payer hearing at noon", 8, 0.5, gained=8,
                            author="bea_writes"),
               "watch": diary("Why SiCKO still matters", 1, 1, gained=1)}
        # The list as the site ranked it when read, kept as a snapshot.
        s.add(RecListSnapshot(site_id=dk.id, taken_at=NOW, list_size=3, entries=[
            RecListEntry(position=n, diary_id=i)
            for n, i in enumerate([*listed, ids["protect"]], start=1)]))
        for _ in range(2):
            factories.make_user(s, last_seen_at=NOW - hours(2 / 60))
        user = factories.make_user(s, display_name="Bea Blogger")
        s.add(SiteAccount(user_id=user.id, site_id=dk.id, username="Bea_Writes",
                          username_key=username_key("Bea_Writes")))
        s.commit()
        return user.email, ids


def test_boost_today_groups_by_reach_and_a_logged_recommend_moves_the_row(page, live_server):
    live_server.set_now(NOW)
    email, ids = _seed_rec_list(live_server)
    browser_login(page, live_server, email, factories.PASSWORD)
    assert page.locator(".online-count").inner_text() == "3 teammates online"
    titles = page.locator(".group-title").all_inner_texts()
    assert titles[:2] == ["Recommend now", "Keep on the rec list"]
    assert titles[-1] == "Watch: out of reach for now"
    act = page.locator(f"#diary-{ids['act']}.row-act")
    assert "Your turn: recommend it now." in act.inner_text()
    assert "ours · Bea Blogger" in act.locator(".badge-ours").inner_text()
    assert "to reach the list — 3 of you online" in act.locator(".needs").inner_text()
    protect = page.locator(f"#diary-{ids['protect']}.row-protect").inner_text()
    assert "#3 of 3 on the rec list, drops off in about" in protect
    watch = page.locator(f"#diary-{ids['watch']}.row-watch").inner_text()
    assert "needs ~" in watch and "3 of you online" in watch
    screenshot(page, "boost-today-groups")

    before = act.locator(".needs").inner_text()
    act.get_by_role("button", name="I recommended").click()
    row = page.locator(f"#diary-{ids['act']}")
    row.locator(".done", has_text="Recommended").wait_for()
    # The new row counts the logged recommend before the next poll and no longer asks Bea.
    assert row.locator(".needs").inner_text() != before
    assert "Your turn" not in row.inner_text()

    # The site's rec list as it ranks it, the diaries we follow marked "followed" and the
    # team's own "ours", the bar above the followed diaries off it.
    row.locator(".site-tag").click()
    page.wait_for_url("**/boost/sites/dailykos/rec-list")
    items = page.locator(".rec-list > li")
    texts = items.all_inner_texts()
    assert [t.split()[0] for t in texts[:3]] == ["#1", "#2", "#3"]
    assert "Baseball thread" in texts[0] and "followed" not in texts[0]
    assert "Medicare for all: the vote count" in texts[2] and "followed" in texts[2]
    assert "ours" not in texts[2]  # followed, but no teammate wrote it
    assert texts[3].startswith("The bar: an aged score of 10.0")
    assert any("Why SiCKO still matters" in t for t in texts[4:])
    [mine] = [t for t in texts[4:] if "Single payer hearing at noon" in t]
    assert "followed" in mine and "ours · Bea Blogger" in mine
    # Both badges can be read: their text does not melt into their background.
    for badge in (".badge-followed", ".badge-ours"):
        color, background = page.locator(badge).first.evaluate(
            "e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
        assert color != background and background != "rgba(0, 0, 0, 0)", (badge, color)
    screenshot(page, "boost-rec-list")
