"""One transaction edge, checked over the tree: a request commits in app/web/db.py, a job or
command in ``models.db.unit_of_work``; any other commit or rollback is a documented exception
listed here. And no module is registered by name through importlib: blueprints, CLI commands
and jobs are imported where they are wired."""

from __future__ import annotations

import io
import tokenize
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# path -> how many commit() / rollback() calls it may make, and why.
ALLOWED = {
    # The request's edge: commit on success (commit() and its session.commit()), roll back
    # on an error or a refusal.
    "app/web/db.py": {"commit": 2, "rollback": 2},
    # unit_of_work itself, and a new PostgreSQL connection's SET TIME ZONE (no data).
    "models/db.py": {"commit": 2, "rollback": 1},
    # A lease is only a lease once other processes see it (documented in the module).
    "app/jobs/leases.py": {"commit": 3, "rollback": 2},
    # The invitation page says whether the mail went out: it commits before sending.
    "app/accounts/onboarding_views.py": {"commit": 1},
}


def _calls(path: Path) -> Counter:
    """commit(…)/rollback(…) calls in code, not in comments or docstrings."""
    found = Counter()
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
              if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)]
    for prev, tok, nxt in zip(tokens, tokens[1:], tokens[2:], strict=False):
        if tok.type == tokenize.NAME and tok.string in ("commit", "rollback") \
                and nxt.string == "(" and prev.string != "def":
            found[tok.string] += 1
    return found


def _sources() -> list[Path]:
    return [p for package in ("app", "scrapers", "models") for p in (ROOT / package).rglob("*.py")]


def test_commits_happen_only_at_the_edges():
    seen = {}
    for path in _sources():
        calls = _calls(path)
        if calls:
            seen[str(path.relative_to(ROOT))] = dict(calls)
    assert seen == ALLOWED


def test_the_probe_sees_a_commit():
    # The check above can fail: the same probe counts a hand-placed commit.
    assert _calls(ROOT / "app" / "web" / "db.py")["commit"] == 2


def test_nothing_is_registered_by_module_name():
    offenders = [str(p.relative_to(ROOT)) for p in _sources()
                 if "import_module" in p.read_text() or "importlib" in p.read_text()
                 and "from importlib import resources" not in p.read_text()]
    assert offenders == []
