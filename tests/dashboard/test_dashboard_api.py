"""JSON API: token auth, roles, errors, and every response checked against openapi.json."""

import jsonschema
import pytest

from app import clock
from app.accounts.users import issue_api_token
from tests import factories
from tests.dashboard.conftest import NOW


@pytest.fixture
def api(app, client, db_session):
    """Calls the API with a token; checks every answer against the OpenAPI document."""
    with app.app_context():
        clock.pin(NOW)
    doc = client.get("/api/v1/openapi.json").get_json()
    jsonschema.Draft202012Validator.check_schema({"$defs": doc["components"]["schemas"]})

    def call(method, path, token=None, template=None, **kw):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        res = client.open(f"/api/v1{path}", method=method, headers=headers, **kw)
        operation = doc["paths"][template or path.split("?")[0]][method.lower()]
        assert str(res.status_code) in operation["responses"], \
            f"{method} {path} answered {res.status_code}, not in the document"
        schema = operation["responses"][str(res.status_code)]["content"][
            "application/json"]["schema"]
        jsonschema.validate(res.get_json(), {**schema, "components": doc["components"]},
                            cls=jsonschema.Draft202012Validator)
        return res

    call.doc = doc
    return call


@pytest.fixture
def token(db_session, world):
    return issue_api_token(db_session, world.blogger)


def test_openapi_document_is_3_1_and_lists_the_endpoints(api):
    assert api.doc["openapi"] == "3.1.0"
    assert set(api.doc["paths"]) == {"/boost", "/diaries/{diary_id}", "/actions",
                                     "/team/actions"}


def test_boost_list_with_needs_and_filters(api, token, world):
    body = api("GET", "/boost", token).get_json()
    assert [d["title"] for d in body["diaries"]] == [
        "Single payer now", "Medicare for all, a primer", "SiCKO screening tonight"]
    first = body["diaries"][0]
    assert first["site"] == {"slug": "dailykos", "name": "Daily Kos"}
    recs = next(n for n in first["needs"] if n["kind"] == "recommend")
    assert recs["reason"] == "needs ~6 more; 1 of you online"
    assert body["online"] == 1 and first["group"] is None and first["for_you"] is False
    only = api("GET", "/boost?site=mydd&need=crosspost", token).get_json()
    assert [d["id"] for d in only["diaries"]] == [world.star.id]
    res = api("GET", "/boost?need=hugs", token)
    assert res.status_code == 400 and "Unknown need" in res.get_json()["message"]


def test_diary_detail_with_metrics(api, token, world):
    body = api("GET", f"/diaries/{world.rising.id}", token, template="/diaries/{diary_id}"
               ).get_json()
    assert [m["recommends"] for m in body["metrics"]] == [0, 3, 5]
    assert [n["kind"] for n in body["assessment"]["needs"]] == ["recommend", "comment"]
    assert body["assessment"]["bar"] == 10
    assert api("GET", "/diaries/999999", token, template="/diaries/{diary_id}"
               ).status_code == 404


def test_post_action_201_then_409_and_clear_400s(api, token, world):
    res = api("POST", "/actions", token, json={"diary_id": world.star.id, "kind": "crosspost",
                                               "target_site": "calitics",
                                               "url": "https://www.calitics.com/d/1"})
    assert res.status_code == 201
    assert res.get_json()["target_site"] == "calitics"
    again = api("POST", "/actions", token, json={"diary_id": world.star.id, "kind": "crosspost",
                                                 "target_site": "calitics",
                                                 "url": "https://www.calitics.com/d/1"})
    assert again.status_code == 409
    for body, message in ((None, "Send a JSON object"),
                          ({"diary_id": "7", "kind": "recommend"}, "diary_id must be an integer"),
                          ({"diary_id": world.star.id}, "kind is required"),
                          ({"diary_id": world.star.id, "kind": "crosspost",
                            "target_site": "dailykos", "url": "ftp://x"}, "http:// or https://"),
                          # An address on another blog than the one named (issue 14).
                          ({"diary_id": world.star.id, "kind": "crosspost",
                            "target_site": "dailykos", "url": "https://www.calitics.com/d/2"},
                           "That address is not on Daily Kos")):
        res = api("POST", "/actions", token, json=body) if body is not None else \
            api("POST", "/actions", token, data="nope", content_type="text/plain")
        assert res.status_code == 400 and message in res.get_json()["message"]
    listed = api("GET", "/boost", token).get_json()
    assert "crosspost" in next(d for d in listed["diaries"]
                               if d["id"] == world.star.id)["my_actions"]


def test_missing_or_bad_token_is_401_json(api, client, login, world, token):
    for bad in (None, "not-a-token"):
        res = api("GET", "/boost", bad)
        assert res.status_code == 401
        assert res.headers["WWW-Authenticate"].startswith("Bearer")
    # A logged-in browser session is not an API credential (no CSRF hole).
    login(world.blogger)
    assert api("POST", "/actions", None, json={"diary_id": world.star.id,
                                               "kind": "recommend"}).status_code == 401


def test_revoked_token_and_deactivated_user_are_refused(api, db_session, world, token):
    world.blogger.active = False
    db_session.flush()
    assert api("GET", "/boost", token).status_code == 401


def test_team_actions_are_for_coordinators(api, db_session, world, token):
    assert api("GET", "/team/actions", token).status_code == 403
    coordinator = factories.make_user(db_session, role="coordinator")
    factories.make_action(db_session, world.blogger, world.rising, "recommend", at=NOW)
    body = api("GET", "/team/actions", issue_api_token(db_session, coordinator)).get_json()
    assert [(a["user"], a["kind"]) for a in body["actions"]] == [("Bea Blogger", "recommend")]
