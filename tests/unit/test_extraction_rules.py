"""Admin extraction rules: validation with clear messages, a time limit on regular
expressions, and rules overriding the built-in reader only where they find something."""

import pytest

from scrapers.rules import Rule, RuleError, apply, validate
from scrapers.types import DiaryCounts

PAGE = (b"<html><head><script>window.S = {}; S.recs = 1234; S.who = 'Ann';</script></head>"
        b"<body><div id='stats'><span class='n'>1.2k</span> recs</div>"
        b"<p>(45 comments, 1234 words in story)</p></body></html>")


@pytest.mark.parametrize("rule, message", [
    (Rule("likes", "css", "p"), "unknown field 'likes'"),
    (Rule("comments", "xpath", "//p"), "unknown rule kind 'xpath'"),
    (Rule("comments", "css", "  "), "the comments rule is empty"),
    (Rule("comments", "css", "p[class="), "is not a CSS selector"),
    (Rule("comments", "regex", "(\\d+"), "is not a regular expression"),
    (Rule("comments", "regex", "(\\d+) (\\w+)"), "at most one group"),
    (Rule("recommends", "script", "S.recs; alert(1)"), "is not a script variable name"),
    (Rule("recommends", "css", "p" * 501), "longer than 500 characters"),
])
def test_bad_rules_are_refused_saying_why(rule, message):
    with pytest.raises(RuleError, match=message.replace("(", "\\(").replace("[", "\\[")):
        validate(rule)


def test_rules_read_script_variables_selectors_and_patterns():
    rules = [validate(Rule("recommends", "script", "S.recs")),
             validate(Rule("comments", "regex", r"\((\d+) comments")),
             validate(Rule("author", "script", "S.who"))]
    assert apply(rules, PAGE, DiaryCounts(None, None)) == DiaryCounts(1234, 45, "Ann")
    css = validate(Rule("recommends", "css", "#stats .n"))
    assert apply([css], PAGE, DiaryCounts(None, 7)) == DiaryCounts(1200, 7)


def test_a_rule_that_finds_nothing_keeps_the_built_in_value():
    rule = validate(Rule("comments", "css", ".comment-count"))
    assert apply([rule], PAGE, DiaryCounts(3, 12, "Bob")) == DiaryCounts(3, 12, "Bob")


def test_a_catastrophic_pattern_gives_up_instead_of_hanging():
    rule = validate(Rule("comments", "regex", r"(a+)+$"))
    page = b"<p>" + b"a" * 40 + b"!</p>"
    # Without the time limit this backtracks for hours; with it the field stays unknown.
    assert apply([rule], page, DiaryCounts(None, None)) == DiaryCounts(None, None)
