"""Topic rules (admin): the weighted phrases that tag health-care diaries, and a test box."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from app import clock
from app.sources import topics as topic_service
from app.web.auth import role_required
from app.web.db import get_db
from app.web.form_replies import done, refused_inline
from models import RULE_FIELDS

bp = Blueprint("topics", __name__, url_prefix="/admin/topics")


def _page(status: int = 200, match=None):
    return render_template("topics/index.html", rules=topic_service.list_rules(get_db()),
                           fields=RULE_FIELDS, form=request.form, match=match), status


def _changed(message: str):
    """After any rule change: re-tag stored diaries (committed once, at the edge), say what
    happened."""
    changed = topic_service.retag(get_db())
    return done(f"{message} Re-tagged diaries: {changed} changed.")


@bp.route("/", methods=["GET"])
@role_required("admin")
def index():
    return _page()


@bp.route("/", methods=["POST"])
@role_required("admin")
@refused_inline(_page)
def add():
    form = request.form
    rule = topic_service.add_rule(get_db(), phrase=form.get("phrase", ""),
                                  weight=form.get("weight", ""),
                                  field=form.get("field", "any"),
                                  note=form.get("note"),
                                  needs_context=form.get("needs_context") == "1",
                                  now=clock.now())
    return _changed(f"Added rule “{rule.phrase}” ({rule.field}, weight {rule.weight:g}).")


@bp.route("/<int:rule_id>", methods=["POST"])
@role_required("admin")
@refused_inline(_page)
def edit(rule_id: int):
    form = request.form
    # An unticked box sends nothing: "context_shown" says the form had the box.
    context = form.get("needs_context") == "1" if "context_shown" in form else None
    rule = topic_service.update_rule(get_db(), rule_id, phrase=form.get("phrase"),
                                     weight=form.get("weight"), field=form.get("field"),
                                     needs_context=context)
    return _changed(f"Saved rule “{rule.phrase}”.")


@bp.route("/<int:rule_id>/enabled", methods=["POST"])
@role_required("admin")
@refused_inline(_page)
def set_enabled(rule_id: int):
    rule = topic_service.set_rule_enabled(get_db(), rule_id,
                                          request.form.get("enabled") == "1")
    return _changed(f"Rule “{rule.phrase}” {'enabled' if rule.enabled else 'disabled'}.")


@bp.route("/test", methods=["POST"])
@role_required("admin")
@refused_inline(_page)
def test():
    form = request.form
    match = topic_service.try_score(get_db(), form.get("title", ""),
                                    topic_service.split_tags(form.get("tags", "")),
                                    form.get("body", ""))
    return _page(match=match)
