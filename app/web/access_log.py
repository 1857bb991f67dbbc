"""Logged URLs without their secrets.

Some URLs are credentials: the personal Atom and iCalendar links, unsubscribe links, and
any route whose variable is named like a secret or token. Access logs are read by more
people than the database is (and shipped to log services), so every URL we log goes
through :func:`redact` first. The rules come from the app's own URL map, so a new route
with a ``<token>`` is covered without editing a list here.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from werkzeug.routing import Map

MASK = "REDACTED"
# Route variables and query parameters whose values are credentials.
SECRET_NAME = re.compile(r"(?:^|[_-])(?:secret|token|password|passwd|key|apikey|signature|sig)s?"
                         r"(?:$|[_-])", re.IGNORECASE)
_VARIABLE = re.compile(r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\([^)]*\))?:)?"
                       r"(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>")


def _rule_pattern(rule: str) -> re.Pattern | None:
    """A regex for one URL rule whose secret variables are capture groups, else None."""
    parts, pos, secret = [], 0, False
    for match in _VARIABLE.finditer(rule):
        parts.append(re.escape(rule[pos:match.start()]))
        any_text = ".+" if match["converter"] == "path" else "[^/]+"
        if SECRET_NAME.search(match["name"]):
            parts.append(f"({any_text})")
            secret = True
        else:
            parts.append(f"(?:{any_text})")
        pos = match.end()
    parts.append(re.escape(rule[pos:]))
    return re.compile("".join(parts) + r"\Z") if secret else None


class Redactor:
    def __init__(self, rules: list[str]) -> None:
        self.patterns = [p for p in map(_rule_pattern, rules) if p is not None]

    @classmethod
    def from_url_map(cls, url_map: Map) -> Redactor:
        return cls([rule.rule for rule in url_map.iter_rules()])

    def path(self, path: str) -> str:
        for pattern in self.patterns:
            match = pattern.match(path)
            if match:
                out, pos = [], 0
                for group in range(1, (match.lastindex or 0) + 1):
                    out += [path[pos:match.start(group)], MASK]
                    pos = match.end(group)
                return "".join(out) + path[pos:]
        return path

    @staticmethod
    def query(query: str) -> str:
        # Field by field on the raw text, so what is not a secret is logged as it came.
        fields = []
        for field in query.split("&") if query else []:
            name, eq, _ = field.partition("=")
            secret = eq and SECRET_NAME.search(unquote_plus(name))
            fields.append(f"{name}={MASK}" if secret else field)
        return "&".join(fields)

    def target(self, target: str) -> str:
        """A request target or full URL (path, optional query) with secrets masked."""
        if not target or target == "-":
            return target
        parts = urlsplit(target)
        return urlunsplit(parts._replace(path=self.path(parts.path),
                                         query=self.query(parts.query), fragment=""))


# The routes diaryboost has, until create_app installs the live URL map.
_current = Redactor(["/feeds/<feed_secret>/boost.atom", "/shifts/calendar/<feed_secret>.ics",
                     "/digest/unsubscribe/<token>"])


def install(url_map: Map) -> None:
    global _current
    _current = Redactor.from_url_map(url_map)


def redact(target: str) -> str:
    return _current.target(target)


def gunicorn_logger_class():
    """The logger class `run.py web` gives gunicorn."""
    from gunicorn.glogging import Logger

    class RedactingLogger(Logger):
        """gunicorn's access log with secret path segments and query values masked."""

        URL_ATOMS = ("U", "f", "{referer}i", "{location}o", "{raw_uri}e", "{path_info}e",
                     "{http_referer}e", "{request_uri}e")

        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            method, _, rest = atoms["r"].partition(" ")
            uri, _, protocol = rest.rpartition(" ")
            atoms["r"] = f"{method} {redact(uri)} {protocol}"
            atoms["q"] = _current.query(atoms.get("q") or "")
            for name in self.URL_ATOMS:
                if isinstance(atoms.get(name), str):
                    atoms[name] = redact(atoms[name])
            return atoms

    return RedactingLogger

