"""Counts as blogs print them: k/M suffixes, thin spaces, separators; junk is unknown."""

import pytest

from scrapers.numbers import parse_count


@pytest.mark.parametrize("text, count", [
    ("1.2k", 1200), ("1.2K recommends", 1200), ("2k", 2000), ("0.5M", 500_000),
    ("1\u202f234", 1234), ("1\u2009234 comments", 1234), ("1\u00a0234", 1234),
    ("1 234", 1234), ("1,234", 1234), ("12,345,678"[:6], 12345), ("66", 66), (66, 66),
    ("21 Comments", 21), ("no comments", 0), ("0", 0),
])
def test_counts_read_right(text, count):
    assert parse_count(text) == count


@pytest.mark.parametrize("text", [
    None, "", "-5", "\u22125", -5, "10^12 recommends", "1e12", 10**12, "1000000000000",
    "lots", "3.5", 2.5, True, "2M recommends",
])
def test_junk_is_unknown_not_zero(text):
    assert parse_count(text) is None
