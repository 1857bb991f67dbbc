import json


def test_healthz_reports_app_and_database(client):
    res = client.get("/healthz")
    assert res.status_code == 200
    body = json.loads(res.data)
    assert body["status"] == "ok" and body["database"] == "ok"


def test_security_headers(client):
    res = client.get("/login")
    csp = res.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert res.headers["X-Frame-Options"] == "DENY"
    assert res.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_httponly_and_samesite(client, make_user, login):
    res = login(make_user())
    cookie = "; ".join(res.headers.getlist("Set-Cookie"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_unknown_page_is_404_page(client):
    res = client.get("/no-such-page")
    assert res.status_code == 404
    assert "Not Found" in res.get_data(as_text=True)
