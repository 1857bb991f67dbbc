"""Response headers that keep pages from being framed, sniffed or scripted by others."""

from flask import Flask, request

from app.web.access_log import SECRET_NAME

# No 'unsafe-inline' for scripts: everything we run comes from /static.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


# A year, the value browsers' preload lists ask for; no includeSubDomains, as other hosts
# of the organisation's domain may not serve HTTPS.
HSTS = "max-age=31536000"


def _url_is_secret() -> bool:
    """The address itself is a credential (a ``<token>`` route, a ``?token=`` query): the
    same names the access log masks (a rule lives once)."""
    names = list(request.url_rule.arguments) if request.url_rule else []
    return any(SECRET_NAME.search(name) for name in [*names, *request.args])


def init_app(app: Flask) -> None:
    # Only when cookies are HTTPS-only: that is the operator saying the site is on HTTPS.
    hsts = app.config.get("SESSION_COOKIE_SECURE", False)

    @app.after_request
    def _headers(response):
        if hsts:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if _url_is_secret():
            # Kept out of shared and browser caches (and their history on disk); routes
            # that want a short private cache (calendar, Atom) say so themselves.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
