"""docs/architecture.md stays true: every path it names in backticks exists, and it answers
"where do I change X" for the cases a newcomer asks about."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
FILE_ENDINGS = (".py", ".md", ".html", ".txt", ".js", ".css")


def _named_paths(text: str) -> tuple[list[str], list[str]]:
    """(paths with a folder, bare file names) in backticks; URLs, commands and patterns
    such as `scrapers/adapters/<platform>.py` are not paths."""
    paths, names = [], []
    for token in re.findall(r"`([^`\n]+)`", text):
        if " " in token or "<" in token or token.startswith("/"):
            continue
        if "/" in token:
            paths.append(token)
        elif token.endswith(FILE_ENDINGS):
            names.append(token)
    return paths, names


def test_every_path_named_exists():
    paths, names = _named_paths(DOC.read_text())
    assert len(paths) > 40, "the map names the files it is about"
    assert [p for p in paths if not (ROOT / p).exists()] == []
    tree = {p.name for p in ROOT.glob("[!.]*/**/*") if ".venv" not in p.parts}
    assert [n for n in names if n not in tree] == []


def test_the_probe_sees_a_missing_path():
    assert _named_paths("see `app/nowhere/gone.py` and `POST /api/v1`") == (
        ["app/nowhere/gone.py"], [])


def test_it_answers_where_to_change_each_case():
    text = DOC.read_text().lower()
    for case in ("new blog platform", "ranking model", "digest's content", "shift rule",
                 "api endpoint"):
        assert f"**{case}" in text or f"**a {case}" in text or f"**an {case}" in text \
            or f"**the {case}" in text, case
