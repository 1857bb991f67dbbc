"""Response headers that keep pages from being framed, sniffed or scripted by others."""

from flask import Flask

# No 'unsafe-inline' for scripts: everything we run comes from /static.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


# A year, the value browsers' preload lists ask for; no includeSubDomains, as other hosts
# of the organisation's domain may not serve HTTPS.
HSTS = "max-age=31536000"


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
        return response
