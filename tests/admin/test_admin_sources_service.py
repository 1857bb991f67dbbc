"""Sources service: adding sites and feeds, enabling/disabling feeds, site settings."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.errors import Conflict, NotFound, ValidationError
from app.sources import service as sources
from models import Feed
from tests.factories import T0


def test_add_site_validates_and_brings_adapter_default_feeds(db_session):
    site = sources.add_site(db_session, slug="calitics", name="Calitics",
                            base_url="https://www.calitics.com/", platform="soapblox", now=T0)
    assert site.base_url == "https://www.calitics.com"
    try:
        from scrapers.adapters import get_adapter
        expected = get_adapter("soapblox").default_feeds(site.base_url)
    except ImportError:
        expected = []
    assert sorted(f.url for f in site.feeds) == sorted(url for url, _ in expected)
    assert all(f.next_poll_at == T0 for f in site.feeds)


@pytest.mark.parametrize("kw, message", [
    (dict(slug="A"), "Slug"),
    (dict(slug="has space"), "Slug"),
    (dict(platform="wordpress"), "Platform must be one of"),
    (dict(base_url="ftp://example.org"), "http://"),
    (dict(base_url="https://"), "no host"),
    (dict(name=" "), "name"),
])
def test_add_site_refuses_bad_values(db_session, kw, message):
    values = dict(slug="good-slug", name="Good", base_url="https://good.example",
                  platform="generic", now=T0)
    values.update(kw)
    with pytest.raises(ValidationError, match=message):
        sources.add_site(db_session, **values)


def test_add_site_duplicate_slug_is_conflict(db_session, make_site):
    make_site(slug="mydd")
    with pytest.raises(Conflict, match="already exists"):
        sources.add_site(db_session, slug="mydd", name="MyDD", base_url="https://mydd.example",
                         platform="generic", now=T0)


def test_add_feed_is_due_now_and_refuses_duplicates(db_session, make_site):
    site = make_site(slug="dk")
    feed = sources.add_feed(db_session, site_slug="dk", url=" https://dk.example/rss.xml ",
                            now=T0)
    assert (feed.url, feed.kind, feed.next_poll_at, feed.site_id) == (
        "https://dk.example/rss.xml", "diaries", T0, site.id)
    with pytest.raises(Conflict, match="already subscribed"):
        sources.add_feed(db_session, site_slug="dk", url="https://dk.example/rss.xml", now=T0)


@pytest.mark.parametrize("url, message", [
    ("javascript:alert(1)", "http://"),
    ("ftp://dk.example/feed", "http://"),
    ("https:///no-host", "no host"),
    ("https://dk.example/a feed.xml", "spaces"),
    ("", "empty"),
    ("https://dk.example:99999/feed", "not a valid URL"),
])
def test_add_feed_bad_url_is_validation_error(db_session, make_site, url, message):
    make_site(slug="dk")
    with pytest.raises(ValidationError, match=message):
        sources.add_feed(db_session, site_slug="dk", url=url, now=T0)
    assert db_session.scalar(select(func.count(Feed.id))) == 0


def test_add_feed_unknown_site_names_known_ones(db_session, make_site):
    make_site(slug="mydd")
    with pytest.raises(NotFound, match=r"No site with slug 'nope' \(known sites: mydd\)"):
        sources.add_feed(db_session, site_slug="nope", url="https://x.example/f", now=T0)


def test_disable_then_enable_clears_errors_and_makes_feed_due(db_session, make_feed):
    feed = make_feed(error_count=7, last_error="HTTP 500",
                     next_poll_at=T0 + timedelta(hours=20))
    sources.set_feed_enabled(db_session, feed.id, False, "  moved to new URL ", now=T0)
    assert not feed.enabled and feed.disabled_reason == "moved to new URL"
    sources.set_feed_enabled(db_session, feed.id, True, now=T0)
    assert feed.enabled and feed.error_count == 0 and feed.disabled_reason is None
    assert feed.next_poll_at == T0
    with pytest.raises(NotFound):
        sources.set_feed_enabled(db_session, 999999, True, now=T0)


def test_update_site_settings_accepts_form_strings(db_session, make_site):
    site = make_site()
    sources.update_site_settings(db_session, site.id, rec_slots="12", rec_half_life_hours="1.5",
                                 comment_target=0, crosspost_window_hours="0",
                                 enabled="off", rec_aging="step")
    assert (site.rec_slots, site.rec_half_life_hours, site.comment_target,
            site.crosspost_window_hours, site.enabled) == (12, 1.5, 0, 0.0, False)
    assert site.rec_aging == "step"
    sources.update_site_settings(db_session, site.id, founded_on="2002-05-26")
    assert site.founded_on.isoformat() == "2002-05-26"


@pytest.mark.parametrize("field, value, message", [
    ("rec_slots", "0", "Rec list slots must be at least 1"),
    ("rec_slots", "2.5", "Rec list slots must be a whole number"),
    ("rec_half_life_hours", "0", "Half-life \\(hours\\) must be greater than 0"),
    ("rec_half_life_hours", "nan", "Half-life \\(hours\\) must be a finite number"),
    ("comment_target", "-1", "Comment target must be at least 0"),
    ("rec_window_hours", "soon", "Rec window \\(hours\\) must be a number"),
    ("crosspost_window_hours", "-3", "Cross-post window"),
    ("founded_on", "last year", "Founded on must be a date like 1999-01-01"),
    ("founded_on", "1066-10-14", "Founded on must be between 1990 and 2100"),
    ("colour", "red", "Unknown site setting"),
    ("rec_aging", "linear", "Aging must be one of exp, step"),
])
def test_update_site_settings_names_the_bad_field_and_changes_nothing(
        db_session, make_site, field, value, message):
    site = make_site(rec_slots=8, comment_target=5)
    # A good value next to the bad one must not be applied either.
    settings = {"comment_target": "9", field: value}
    with pytest.raises(ValidationError, match=message):
        sources.update_site_settings(db_session, site.id, **settings)
    assert (site.rec_slots, site.comment_target) == (8, 5)


def test_feed_health_flags_failing_after_threshold(make_feed):
    assert sources.feed_health(make_feed(), 5).state == "new"
    assert sources.feed_health(make_feed(error_count=2), 5).state == "erroring"
    failing = sources.feed_health(make_feed(error_count=5), 5)
    assert failing.state == "failing" and "FAILING" in failing.label
    off = sources.feed_health(make_feed(enabled=False, disabled_reason="gone"), 5)
    assert off.label == "disabled: gone"
