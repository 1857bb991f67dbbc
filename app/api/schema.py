"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json.

Kept next to the API and checked by tests/dashboard/test_dashboard_api.py, which validates
real responses against these schemas: a field added to a response without being added
here (additionalProperties: false) fails that test.
"""

from __future__ import annotations

from app.validation import MAX_ID
from config import VERSION

NEED_KINDS = ["recommend", "comment", "crosspost"]


# Ids are INTEGER columns; app.validation refuses larger ones (400).
_ID = {"type": "integer", "minimum": 0, "maximum": MAX_ID}


def _obj(properties: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required,
            "additionalProperties": False}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str, **extra) -> dict:
    return {"type": [kind, "null"], **extra}


# A count we could not read is null, never 0 (STYLE 17).
_COUNT = _nullable("integer", description="null: unknown (not read from the page)")


_TIME = {"type": "string", "format": "date-time"}

SCHEMAS = {
    "Error": _obj({"error": {"type": "string"}, "message": {"type": "string"}}),
    "Site": _obj({"slug": {"type": "string"}, "name": {"type": "string"}}),
    "Need": _obj({
        "kind": {"enum": NEED_KINDS},
        "amount": {"type": "number"},
        "urgency": {"type": "number", "minimum": 0, "maximum": 1},
        "reason": {"type": "string", "description": "One line a person can act on."},
        "targets": {"type": "array", "items": {"type": "string"},
                    "description": "Site slugs to cross-post to (cross-post only)."},
    }),
    "Shift": _obj({
        "site": {"oneOf": [_ref("Site"), {"type": "null"}]},
        "focus": {"enum": ["any", *NEED_KINDS]},
        "ends_at": _TIME,
    }),
    "BoostItem": _obj({
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "url": _nullable("string", description="The diary; null unless http(s)."),
        "page_url": {"type": "string", "description": "The diary page on diaryboost."},
        "site": _ref("Site"),
        "author": _nullable("string"),
        "published_at": _TIME,
        "recommends": _COUNT,
        "comments": _COUNT,
        "priority": {"type": "number"},
        "team_actions": {"type": "integer"},
        "teammates": {"type": "integer"},
        "my_actions": {"type": "array", "items": {"enum": NEED_KINDS}},
        "on_shift": {"type": "boolean"},
        "group": {"enum": ["act", "protect", "watch", None],
                  "description": "Recommend group on the board: act (recommend now), "
                                 "protect (keep it on the list), watch (out of reach now); "
                                 "null when only comments or cross-posts are asked."},
        "for_you": {"type": "boolean",
                    "description": "The board asks this user to recommend it now."},
        "ours": {"type": "boolean",
                 "description": "Written by a teammate (a username in their profile)."},
        "ours_by": _nullable("string", description="That teammate's display name."),
        "needs": {"type": "array", "items": _ref("Need"), "minItems": 1},
    }),
    "BoostList": _obj({
        "generated_at": _TIME,
        "site": _nullable("string"),
        "need": {"oneOf": [{"enum": NEED_KINDS}, {"type": "null"}]},
        "total": {"type": "integer"},
        "online": {"type": "integer", "description": "Teammates at the board now, you included."},
        "shift": {"oneOf": [_ref("Shift"), {"type": "null"}]},
        "diaries": {"type": "array", "items": _ref("BoostItem")},
    }),
    "Metric": _obj({"observed_at": _TIME, "recommends": _COUNT, "comments": _COUNT}),
    "Copy": _obj({"id": {"type": "integer"}, "title": {"type": "string"},
                  "site_name": {"type": "string"}, "url": _nullable("string")}),
    "ActionLogEntry": _obj({
        "user": {"type": "string"}, "kind": {"enum": NEED_KINDS},
        "target_site": {"type": "string"}, "url": _nullable("string"), "at": _TIME}),
    "DiaryDetail": _obj({
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "url": _nullable("string"),
        "site": _ref("Site"),
        "author": _nullable("string"),
        "published_at": _TIME,
        "topic_score": {"type": "number"},
        "topic_terms": {"type": "array", "items": {"type": "string"}},
        "recommends": _COUNT,
        "comments": _COUNT,
        "live": {"type": "boolean"},
        "assessment": _obj({
            "rec_score": {"type": "number"}, "bar": {"type": "number"},
            "pace_per_hour": {"type": "number"},
            "needs": {"type": "array", "items": _ref("Need")}}),
        "metrics": {"type": "array", "items": _ref("Metric")},
        "copies": {"type": "array", "items": _ref("Copy")},
        "actions": {"type": "array", "items": _ref("ActionLogEntry")},
    }),
    "ActionIn": {
        "type": "object",
        "properties": {
            "diary_id": _ID,
            "kind": {"enum": NEED_KINDS},
            "target_site": _nullable("string", description="Site slug; cross-post only."),
            "url": _nullable("string", description="http(s) URL of the cross-post."),
        },
        "required": ["diary_id", "kind"],
    },
    "Action": _obj({
        "id": {"type": "integer"}, "diary_id": {"type": "integer"},
        "kind": {"enum": NEED_KINDS}, "target_site": {"type": "string"},
        "url": _nullable("string"), "at": _TIME}),
    "TeamActions": _obj({
        "since": _TIME,
        "actions": {"type": "array", "items": _obj({
            "diary_id": {"type": "integer"}, "diary_title": {"type": "string"},
            "user": {"type": "string"}, "kind": {"enum": NEED_KINDS},
            "target_site": {"type": "string"}, "url": _nullable("string"), "at": _TIME})},
    }),
}


def _json(name: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": _ref(name)}}}


_ERRORS = {
    "401": _json("Error", "Missing, unknown or revoked token"),
}
_FILTERS = [
    {"name": "site", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "Only this site (slug, e.g. dailykos)."},
    {"name": "need", "in": "query", "required": False, "schema": {"enum": NEED_KINDS},
     "description": "Only diaries with this need."},
]


def openapi_document(server_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "diaryboost API", "version": VERSION,
                 "description": "Read the boost list and log what you did. "
                                "Authenticate with `Authorization: Bearer <token>`; make a "
                                "token on your profile page."},
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}],
        "paths": {
            "/boost": {"get": {
                "summary": "Diaries that need something now, most pressing first",
                "parameters": [*_FILTERS, {
                    "name": "limit", "in": "query", "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 200}}],
                "responses": {"200": _json("BoostList", "The ranked list"),
                              "400": _json("Error", "Unknown site or need"), **_ERRORS}}},
            "/diaries/{diary_id}": {"get": {
                "summary": "One diary with its counts over time and need breakdown",
                "parameters": [{"name": "diary_id", "in": "path", "required": True,
                                "schema": _ID}],
                "responses": {"200": _json("DiaryDetail", "The diary"),
                              "400": _json("Error", "diary_id out of range"),
                              "404": _json("Error", "No such diary"), **_ERRORS}}},
            "/actions": {"post": {
                "summary": "Log that you recommended, commented or cross-posted",
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _ref("ActionIn")}}},
                "responses": {"201": _json("Action", "Logged"),
                              "400": _json("Error", "Bad input (message says what)"),
                              "404": _json("Error", "No such diary"),
                              "409": _json("Error", "Already logged"), **_ERRORS}}},
            "/team/actions": {"get": {
                "summary": "What the team logged recently (coordinators and admins)",
                "parameters": [{"name": "hours", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 1,
                                           "maximum": 720}}],
                "responses": {"200": _json("TeamActions", "Recent actions, newest first"),
                              "403": _json("Error", "Not a coordinator"), **_ERRORS}}},
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
