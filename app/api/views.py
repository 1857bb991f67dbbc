"""JSON API /api/v1: the boost list, diary details, logging actions.

Authenticated only by a per-user Bearer token, never by the session cookie, so it is
exempt from CSRF (a forged cross-site request carries no token).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import wraps

from flask import Blueprint, current_app, g, jsonify, request, url_for

from app import clock
from app.accounts import users as user_service
from app.api.schema import openapi_document
from app.boost import actions as action_service
from app.boost import presence
from app.boost import service as boost_service
from app.errors import ValidationError
from app.validation import check_id
from app.web import view_cache
from app.web.db import get_db
from app.web.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

MAX_LIMIT = 200


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _error(status: int, title: str, message: str):
    response = jsonify(error=title, message=message)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="diaryboost"'
    return response


def token_required(role: str = "blogger"):
    """Resolve ``Authorization: Bearer <token>`` to g.api_user; 401 without, 403 below role."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            user = None
            if scheme.lower() == "bearer" and token.strip():
                user = user_service.user_for_api_token(get_db(), token.strip())
            if user is None:
                return _error(401, "Unauthorized", "Send a valid API token as "
                              "'Authorization: Bearer <token>' (make one on your profile page).")
            if not user.has_role(role):
                return _error(403, "Forbidden", f"This endpoint is for {role}s only.")
            g.api_user = user
            # An API call means the teammate is at work (a bot acting for them, or an app).
            presence.touch(get_db(), user, clock.now())
            return view(*args, **kwargs)

        return wrapper

    return decorator


def _int_arg(name: str, default: int, lo: int, hi: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(f"{name} must be a whole number") from None
    if not lo <= value <= hi:
        raise ValidationError(f"{name} must be between {lo} and {hi}")
    return value


def _need(n) -> dict:
    return {"kind": n.kind, "amount": round(n.amount, 2), "urgency": round(n.urgency, 4),
            "reason": n.reason, "targets": list(n.targets)}


def _site(slug: str, name: str) -> dict:
    return {"slug": slug, "name": name}


@bp.route("/openapi.json")
def openapi():
    return jsonify(openapi_document(url_for("api.openapi", _external=True)
                                    .rsplit("/openapi.json", 1)[0]))


@bp.route("/boost")
@token_required()
def boost():
    limit = _int_arg("limit", boost_service.PAGE_LIMIT, 1, MAX_LIMIT)
    text = view_cache.body("api.boost", g.api_user.id, (), lambda: _boost(limit))
    return current_app.response_class(text, mimetype=current_app.json.mimetype)


def _boost(limit: int) -> str:
    page = boost_service.boost_list(get_db(), g.api_user, clock.now(),
                                    site=request.args.get("site"),
                                    need=request.args.get("need"), limit=limit)
    shift = None
    if page.shift is not None:
        shift = {"site": _site(page.shift.site_slug, page.shift.site_name)
                 if page.shift.site_id is not None else None,
                 "focus": page.shift.focus, "ends_at": _iso(page.shift.ends_at)}
    return current_app.json.dumps(dict(
        generated_at=_iso(page.generated_at), site=page.site, need=page.need,
        total=page.total, online=page.online, shift=shift,
        diaries=[{
            "id": r.diary_id, "title": r.title, "url": r.url,
            "page_url": url_for("boost.diary", diary_id=r.diary_id, _external=True),
            "site": _site(r.site_slug, r.site_name), "author": r.author,
            "published_at": _iso(r.published_at), "recommends": r.recommends,
            "comments": r.comments, "priority": round(r.priority, 4),
            "team_actions": r.team_actions, "teammates": r.teammates,
            "my_actions": sorted(r.mine), "on_shift": r.on_shift,
            "group": r.group, "for_you": r.for_you,
            "ours": r.ours is not None, "ours_by": r.ours,
            "needs": [_need(n) for n in r.needs],
        } for r in page.rows])) + "\n"  # as jsonify writes it


@bp.route("/diaries/<int:diary_id>")
@token_required()
def diary(diary_id: int):
    d = boost_service.diary_detail(get_db(), g.api_user, diary_id, clock.now())
    a = d.assessment
    return jsonify(
        id=d.diary.id, title=d.diary.title, url=d.url, site=_site(d.site.slug, d.site.name),
        author=d.diary.author, published_at=_iso(d.diary.published_at),
        topic_score=d.diary.topic_score, topic_terms=list(d.diary.topic_terms or []),
        recommends=d.diary.recommends, comments=d.diary.comments, live=d.live,
        assessment={"rec_score": round(a.rec_score, 3), "bar": round(a.bar, 3),
                    "pace_per_hour": round(a.pace_per_hour, 3),
                    "needs": [_need(n) for n in a.needs]},
        metrics=[{"observed_at": _iso(t), "recommends": r, "comments": c}
                 for t, r, c in zip(d.times, d.recommends, d.comments, strict=True)],
        copies=[{"id": c.diary_id, "title": c.title, "site_name": c.site_name, "url": c.url}
                for c in d.copies],
        actions=[{"user": x.user_name, "kind": x.kind, "target_site": x.target_site,
                  "url": x.url, "at": _iso(x.at)} for x in d.actions])


def _body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError("Send a JSON object such as {\"diary_id\": 12, \"kind\": "
                              "\"recommend\"} with Content-Type: application/json")
    check_id("diary_id", data.get("diary_id"))
    for name in ("kind", "target_site", "url"):
        if data.get(name) is not None and not isinstance(data[name], str):
            raise ValidationError(f"{name} must be a string")
    if not data.get("kind"):
        raise ValidationError("kind is required: recommend, comment or crosspost")
    return data


@bp.route("/actions", methods=["POST"])
@token_required()
def log_action():
    data = _body()
    action = action_service.log_action(
        get_db(), user=g.api_user, diary_id=data["diary_id"], kind=data["kind"],
        target_site_slug=data.get("target_site"), url=data.get("url"), now=clock.now())
    slug = action.target_site.slug
    response = jsonify(id=action.id, diary_id=action.diary_id, kind=action.kind,
                       target_site=slug, url=action.url, at=_iso(action.at))
    response.status_code = 201
    return response


@bp.route("/team/actions")
@token_required("coordinator")
def team_actions():
    since = clock.now() - timedelta(hours=_int_arg("hours", 24, 1, 720))
    rows = action_service.recent_actions(get_db(), since)
    return jsonify(since=_iso(since), actions=[{
        "diary_id": r.diary_id, "diary_title": r.diary_title, "user": r.user,
        "kind": r.kind, "target_site": r.target_site, "url": r.url, "at": _iso(r.at)}
        for r in rows])
