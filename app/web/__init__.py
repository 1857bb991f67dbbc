"""The web layer: the app factory, request-scoped session, security headers,
templating, error pages and the other request plumbing. The only place Flask lives,
besides each area's views."""
