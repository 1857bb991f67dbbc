"""Extraction rules and site hosts on the Sources page: saved, validated, previewed only on
the site's own hosts."""

from sqlalchemy import select

from models import ExtractionRule
from tests.admin.test_admin_pages import _token, admin  # noqa: F401 - shared fixtures


def _rules(db_session, site):
    return [(r.field, r.kind, r.expression) for r in db_session.scalars(
        select(ExtractionRule).where(ExtractionRule.site_id == site.id)
        .order_by(ExtractionRule.field))]


def test_rules_are_saved_and_a_bad_one_is_refused_with_nothing_changed(
        client, admin, make_site, db_session):  # noqa: F811
    site = make_site()
    res = client.post(f"/admin/sources/sites/{site.id}/rules", data={
        "csrf_token": _token(client), "site_id": site.id,
        "recommends_kind": "script", "recommends_expression": "DailyKos.recs",
        "comments_kind": "css", "comments_expression": "#story .cct",
        "author_kind": "css", "author_expression": ""})
    assert res.status_code == 303
    assert _rules(db_session, site) == [("comments", "css", "#story .cct"),
                                        ("recommends", "script", "DailyKos.recs")]
    res = client.post(f"/admin/sources/sites/{site.id}/rules", data={
        "csrf_token": _token(client), "site_id": site.id,
        "recommends_kind": "regex", "recommends_expression": "(\\d+",
        "comments_kind": "css", "comments_expression": ""})
    assert res.status_code == 400
    page = res.get_data(as_text=True)
    assert "Extraction rule for recommends" in page and "is not a regular expression" in page
    assert 'value="(\\d+"' in page  # the typed rule stays in the form
    assert _rules(db_session, site) == [("comments", "css", "#story .cct"),
                                        ("recommends", "script", "DailyKos.recs")]


def test_the_test_url_must_be_on_the_sites_own_hosts(client, admin, make_site):  # noqa: F811
    site = make_site(base_url="https://www.dailykos.com")
    res = client.post(f"/admin/sources/sites/{site.id}/rules/test", data={
        "csrf_token": _token(client), "site_id": site.id,
        "test_url": "http://169.254.169.254/latest/meta-data/",
        "recommends_kind": "css", "recommends_expression": "p"})
    assert res.status_code == 400
    assert "Test URL must be on" in res.get_data(as_text=True)


def test_site_hosts_and_rec_list_url_are_settings(client, admin, make_site, db_session):  # noqa: F811
    site = make_site()
    data = {"csrf_token": _token(client), "rec_slots": "8", "rec_half_life_hours": "2",
            "rec_fallback_threshold": "10", "rec_window_hours": "24", "comment_target": "5",
            "crosspost_window_hours": "48", "enabled": "1"}
    res = client.post(f"/admin/sources/sites/{site.id}/settings", data={
        **data, "extra_hosts": "feeds.dailykosmedia.com\nhttps://dailykos.com/x",
        "rec_list_url": "https://www.dailykos.com/rss/tag:Recommended.xml"})
    assert res.status_code == 303
    db_session.refresh(site)
    assert site.extra_hosts == "feeds.dailykosmedia.com\ndailykos.com"
    assert site.rec_list_url == "https://www.dailykos.com/rss/tag:Recommended.xml"
    res = client.post(f"/admin/sources/sites/{site.id}/settings", data={
        **data, "extra_hosts": "evil host!", "rec_list_url": ""})
    assert res.status_code == 400
    assert "is not a host name" in res.get_data(as_text=True)
    db_session.refresh(site)
    assert site.extra_hosts == "feeds.dailykosmedia.com\ndailykos.com"
