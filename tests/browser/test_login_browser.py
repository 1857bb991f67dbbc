"""Logging in through a real browser."""

from tests import factories
from tests.browser.conftest import browser_login, screenshot


def test_login_in_browser_and_blogger_denied_admin_page(page, live_server):
    with live_server.session() as s:
        user = factories.make_user(s, role="blogger", display_name="Bea Blogger")
        s.commit()
        email = user.email
    page.goto(f"{live_server.url}/login")
    screenshot(page, f"login-{live_server.app.extensions['diaryboost.config'].DATABASE_URL[:6]}")
    browser_login(page, live_server, email, factories.PASSWORD)
    assert "Bea Blogger" in page.content()
    response = page.goto(f"{live_server.url}/admin/users/")
    assert response.status == 403
    assert "for admins only" in page.content()
