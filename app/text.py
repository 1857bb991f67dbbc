"""Words that depend on a number: the one plural rule every page, mail and CLI line uses."""

from __future__ import annotations

# Nouns whose plural is not "+s". Keep to words we actually print.
_IRREGULAR = {"person": "people", "reply": "replies", "diary": "diaries",
              "health-care diary": "health-care diaries", "entry": "entries",
              "delivery": "deliveries"}


def plural(count: int | float | None, noun: str, plural_form: str | None = None) -> str:
    """"1 rec", "2 recs", "0 teammates", "1 person". An unknown count (None) is shown
    as "—", never as a number that looks like data."""
    many = plural_form or plural_noun(noun)
    if count is None:
        return f"— {many}"
    shown = str(count) if isinstance(count, int) else f"{count:g}"
    return f"{shown} {noun if count == 1 else many}"


def plural_noun(noun: str) -> str:
    return _IRREGULAR.get(noun, noun + "s")


UNKNOWN = "\u2014"


def count(value: int | None) -> str | int:
    """A count for display: "—" when unknown (never read, or not found on the page)."""
    return UNKNOWN if value is None else value
