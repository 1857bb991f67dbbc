"""Sources (admin): sites and their ranking settings, feeds and their health, OPML."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from app import clock
from app.errors import ValidationError
from app.sources import extraction, scrape_health, site_aging
from app.sources import service as source_service
from app.sources.opml import read_bounded
from app.text import plural
from app.web.auth import role_required
from app.web.config import app_config
from app.web.db import discard, get_db, session_factory
from app.web.form_replies import done, refused_inline
from app.web.templating import viewer_zone
from models import FEED_KINDS, PLATFORMS
from models.sites import RULE_FIELDS_EXTRACT, RULE_KINDS
from scrapers.fetch import Fetcher
from scrapers.types import FetchSettings

bp = Blueprint("sources", __name__, url_prefix="/admin/sources")

NUMERIC_SETTINGS = ("rec_slots", "rec_half_life_hours", "rec_fallback_threshold",
                    "rec_window_hours", "comment_target", "crosspost_window_hours")


def _page(status: int = 200, **extra):
    sites = source_service.list_sites(get_db())
    return render_template(
        "sources/index.html", sites=sites, aging=site_aging.aging_notes(get_db(), sites),
        platforms=PLATFORMS, feed_kinds=FEED_KINDS, health=source_service.feed_health,
        failures_to_flag=app_config().POLL_FAILURES_TO_FLAG, form=request.form,
        scrape_alerts={a.site_id: a.messages(viewer_zone())
                       for a in scrape_health.site_alerts(get_db(), clock.now())},
        rules={s.id: extraction.rules_of(get_db(), s.id) for s in
               source_service.list_sites(get_db())},
        rule_kinds=RULE_KINDS, rule_fields=RULE_FIELDS_EXTRACT,
        **extra,
    ), status


@bp.route("/", methods=["GET"])
@role_required("admin")
def index():
    return _page()


@bp.route("/sites", methods=["POST"])
@role_required("admin")
@refused_inline(_page)
def add_site():
    form = request.form
    site = source_service.add_site(
        get_db(), slug=form.get("slug", ""), name=form.get("name", ""),
        base_url=form.get("base_url", ""), platform=form.get("platform", ""),
        now=clock.now())
    return done(f"Added site {site.name} with {plural(len(site.feeds), 'feed')}.",
                f"site-{site.id}")


@bp.route("/sites/<int:site_id>/settings", methods=["POST"])
@role_required("admin")
@refused_inline(_page)
def site_settings(site_id: int):
    settings = {name: request.form.get(name, "") for name in NUMERIC_SETTINGS}
    settings["enabled"] = "enabled" in request.form
    for name in ("extra_hosts", "rec_list_url", "founded_on", "rec_aging"):
        if name in request.form:
            settings[name] = request.form[name]
    site = source_service.update_site_settings(get_db(), site_id, **settings)
    return done(f"Saved settings for {site.name}.", f"site-{site.id}")


@bp.route("/sites/<int:site_id>/rules", methods=["POST"])
@role_required("admin")
@refused_inline(_page)
def site_rules(site_id: int):
    rules = extraction.parse_form(request.form)
    site = extraction.save_rules(get_db(), site_id, rules, clock.now())
    return done(f"Saved {len(rules)} extraction rule(s) for {site.name}.", f"site-{site.id}")


@bp.route("/sites/<int:site_id>/rules/test", methods=["POST"])
@role_required("admin")
@refused_inline(_page)
def test_rules(site_id: int):
    """Show what the typed (unsaved) rules read from a live diary page."""
    rules = extraction.parse_form(request.form)
    with Fetcher(FetchSettings.from_config(app_config())) as fetcher:
        result = extraction.preview(get_db(), site_id, request.form.get("test_url", ""),
                                    rules, fetcher)
    discard()  # a preview: whatever reading the rules touched is not kept
    return _page(preview=result)


@bp.route("/feeds", methods=["POST"])
@role_required("admin")
@refused_inline(_page)
def add_feed():
    form = request.form
    feed = source_service.add_feed(get_db(), site_slug=form.get("site", ""),
                                   url=form.get("url", ""),
                                   kind=form.get("kind") or "diaries", now=clock.now())
    return done(f"Subscribed to {feed.url}; it will be polled shortly.", f"feed-{feed.id}")


@bp.route("/feeds/<int:feed_id>/enabled", methods=["POST"])
@role_required("admin")
@refused_inline(_page)
def set_enabled(feed_id: int):
    enabled = request.form.get("enabled") == "1"
    feed = source_service.set_feed_enabled(get_db(), feed_id, enabled,
                                           request.form.get("reason"), now=clock.now())
    state = "enabled and due now" if feed.enabled else "disabled"
    return done(f"Feed {feed.url} {state}.", f"feed-{feed.id}")


@bp.route("/feeds/<int:feed_id>/poll", methods=["POST"])
@role_required("admin")
def poll(feed_id: int):
    from app.sources.polling import poll_now

    source_service.get_feed(get_db(), feed_id)  # a clear 404 before any network work
    discard()  # poll_now works in its own transaction; release ours first
    outcome = poll_now(app_config(), session_factory(), feed_id, clock.now())
    category = "error" if outcome.error else "success"
    flash(f"Polled feed {feed_id}: {outcome.summary()}", category)
    return redirect(url_for(".index", _anchor=f"feed-{feed_id}"), code=303)


@bp.route("/opml", methods=["POST"])
@role_required("admin")
@refused_inline(_page)
def import_opml():
    upload = request.files.get("opml")
    if upload is None or not upload.filename:
        raise ValidationError("Choose an OPML file to import")
    report = source_service.import_opml(get_db(), read_bounded(upload.stream),
                                        request.form.get("site", ""), clock.now())
    message = f"OPML: imported {plural(len(report), 'feed')}"
    if report.skipped:
        message += f"; skipped {len(report.skipped)} already subscribed"
    return done(message + ".")


@bp.route("/opml", methods=["GET"])
@role_required("admin")
def export_opml():
    data = source_service.export_opml(get_db(), clock.now())
    return Response(data, mimetype="text/x-opml", headers={
        "Content-Disposition": "attachment; filename=diaryboost-feeds.opml"})
