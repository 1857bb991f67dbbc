"""Counts read from page text: what a blog prints ("1.2k", "1 234", "1,234") as an int,
or None when the text holds no believable count.

Unknown is not zero (STYLE 17): a count that is missing, negative, unparseable or absurd
for a blog is None, so the board shows "—" rather than a number that looks like data.
"""

from __future__ import annotations

import re

# No diary on any community blog has come near this many recommends or comments; a larger
# number is a parsing accident (an id, a timestamp, a hostile page), not a count.
MAX_COUNT = 1_000_000

# Spaces sites put between thousands: plain, no-break, thin, narrow no-break, figure.
_SPACES = "\u0020\u00a0\u2009\u202f\u2007"
_NUMBER = re.compile(
    rf"(?<![\w.,\-^])(?P<sign>[-\u2212])?"
    rf"(?P<digits>\d{{1,3}}(?:[,{_SPACES}]\d{{3}})+|\d+)"
    r"(?P<frac>\.\d+)?"
    r"(?:\s?(?P<suffix>[kKmM])\b)?"
    r"(?![\w^])"
)
_NONE_WORDS = re.compile(r"^\s*(no|zero)\b", re.I)


def parse_count(text: str | int | float | None, *, limit: int = MAX_COUNT) -> int | None:
    """The count a piece of page text shows, or None when it shows none believable.

    "1.2k" → 1200, "1\u202f234" → 1234, "1,234" → 1234, "2M" → None (over ``limit``),
    "-5" → None, "10^12" → None, "lots" → None, "no comments" → 0.
    """
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        value = text
        if value != value or value < 0 or value > limit or value != int(value):
            return None
        return int(value)
    match = _NUMBER.search(text)
    if match is None:
        return 0 if _NONE_WORDS.match(text) else None
    if match.group("sign"):
        return None
    digits = re.sub(rf"[,{_SPACES}]", "", match.group("digits"))
    suffix = (match.group("suffix") or "").lower()
    frac = match.group("frac") or ""
    if frac and not suffix:
        return None  # "3.5 recommends" is not a count
    value = float(digits + frac) * {"": 1, "k": 1_000, "m": 1_000_000}[suffix]
    if value > limit:
        return None
    return int(round(value))
