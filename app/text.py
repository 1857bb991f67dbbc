"""Words that depend on a number: the one plural rule every page, mail and CLI line uses."""

from __future__ import annotations

# Nouns whose plural is not "+s". Keep to words we actually print.
_IRREGULAR = {"person": "people", "reply": "replies", "diary": "diaries",
              "entry": "entries", "delivery": "deliveries"}


def plural(count: int | float, noun: str, plural_form: str | None = None) -> str:
    """"1 rec", "2 recs", "0 teammates", "1 person": the count with its noun."""
    return f"{count:g} {noun if count == 1 else (plural_form or plural_noun(noun))}"


def plural_noun(noun: str) -> str:
    return _IRREGULAR.get(noun, noun + "s")
