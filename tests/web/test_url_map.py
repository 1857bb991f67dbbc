"""Every public URL answers as before the move of app/ into areas: pages, the API, the Atom
and iCal subscriptions and the unsubscribe links in mail already sent all keep their rule,
their methods and their endpoint name (templates and url_for use the names).

tests/data/web/url_map.txt was taken from the app before the move; a change to it is a
change users and their feed readers notice, so it must be deliberate."""

from __future__ import annotations

from pathlib import Path

SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "web" / "url_map.txt"


def _url_map(app) -> list[str]:
    return sorted(f"{sorted(rule.methods - {'HEAD', 'OPTIONS'})} {rule.rule} {rule.endpoint}"
                  for rule in app.url_map.iter_rules())


def test_url_map_matches_the_snapshot(app):
    assert _url_map(app) == SNAPSHOT.read_text().splitlines()
