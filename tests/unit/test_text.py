"""The one plural rule used by pages, mails, feeds and the CLI."""

import pytest

from app.text import plural


@pytest.mark.parametrize(("count", "noun", "expected"), [
    (1, "rec", "1 rec"), (0, "rec", "0 recs"), (2, "rec", "2 recs"),
    (0, "teammate", "0 teammates"), (1, "teammate", "1 teammate"),
    (1, "person", "1 person"), (3, "person", "3 people"),
    (1, "diary", "1 diary"), (2, "diary", "2 diaries"),
    (1234567, "rec", "1234567 recs"), (1.5, "hour", "1.5 hours"),
    (None, "rec", "— recs"),  # unknown is not zero
])
def test_plural(count, noun, expected):
    assert plural(count, noun) == expected
