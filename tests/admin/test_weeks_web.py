"""One week format on Team and Digest: ISO weeks with their dates, old date links
redirected, bad weeks explained on the page instead of an error page."""

import pytest

from app import clock
from app.digest.weeks import read_week_arg
from tests.factories import T0


@pytest.fixture
def coordinator_client(app, client, login, make_user):
    with app.app_context():
        clock.pin(T0)
    login(make_user(role="coordinator", timezone="America/Los_Angeles"))
    return client


@pytest.mark.parametrize("page", ["/team/", "/digest/preview"])
def test_old_date_links_redirect_to_their_iso_week(coordinator_client, page):
    response = coordinator_client.get(f"{page}?week=2026-11-18")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"{page}?week=2026-W47")


@pytest.mark.parametrize("page", ["/team/", "/digest/preview"])
def test_a_week_shows_its_label_and_dates(coordinator_client, page):
    html = coordinator_client.get(f"{page}?week=2026-W47").get_data(as_text=True)
    assert "2026-W47" in html and "Mon 16 – Sun 22 Nov 2026" in html


@pytest.mark.parametrize("page", ["/team/", "/digest/preview"])
def test_a_bad_week_is_explained_inline_on_the_usual_page(coordinator_client, page):
    response = coordinator_client.get(f"{page}?week=banana")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "week must look like 2026-W47 (you gave &#39;banana&#39;)" in html
    assert '<nav class="' in html and "error.html" not in html  # the page, with navigation
    assert "ValidationError" not in html


def test_read_week_arg():
    assert read_week_arg("2026-W01").label == "2026-W01"
    assert read_week_arg("2026-12-31").redirect_to == "2026-W53"
    assert read_week_arg("2027-01-03").redirect_to == "2026-W53"  # ISO year, not calendar
    assert "not a date" in read_week_arg("2026-02-30").error
    assert read_week_arg("2026-W60").error and read_week_arg(None) == read_week_arg("")
