"""Extraction rules as data: an admin's per-site overrides of where a diary page shows its
counts and author, for when a site changes its markup before the adapter is fixed.

A rule is (field, kind, expression): ``script`` reads an inline script variable
(``DailyKos.currentStoryRecommendCount``), ``css`` the text of the first element a CSS
selector matches, ``regex`` the first group (or whole match) of a regular expression over
the page's HTML source (what "view source" shows), run with a time limit so a
pathological pattern cannot hang the poller.
Built-in adapters stay the defaults: a rule that finds nothing leaves the adapter's value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

import regex
from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from scrapers.adapters.extract import inline_scripts, script_variable, text_of
from scrapers.numbers import parse_count
from scrapers.types import DiaryCounts

FIELDS = ("recommends", "comments", "author")
KINDS = ("script", "css", "regex")
MAX_EXPRESSION = 500
# Long enough for any sane pattern over a page, short enough that a catastrophic one
# (``(a+)+$``) costs the count job a fraction of a second per page.
REGEX_TIMEOUT = 0.2
_VARIABLE = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$")


@dataclass(frozen=True)
class Rule:
    field: str
    kind: str
    expression: str


class RuleError(ValueError):
    """A rule that cannot be used; the message says why, for the admin."""


def validate(rule: Rule) -> Rule:
    """The rule, trimmed, or RuleError naming what is wrong with it."""
    expression = (rule.expression or "").strip()
    if rule.field not in FIELDS:
        raise RuleError(f"unknown field {rule.field!r}; one of {', '.join(FIELDS)}")
    if rule.kind not in KINDS:
        raise RuleError(f"unknown rule kind {rule.kind!r}; one of {', '.join(KINDS)}")
    if not expression:
        raise RuleError(f"the {rule.field} rule is empty")
    if len(expression) > MAX_EXPRESSION:
        raise RuleError(f"the {rule.field} rule is longer than {MAX_EXPRESSION} characters")
    if rule.kind == "script" and not _VARIABLE.match(expression):
        raise RuleError(f"{expression!r} is not a script variable name "
                        "(like DailyKos.currentStoryRecommendCount)")
    if rule.kind == "css":
        try:
            LexborHTMLParser("<p></p>").css_first(expression)
        except SelectolaxError:
            raise RuleError(f"{expression!r} is not a CSS selector") from None
    if rule.kind == "regex":
        try:
            compiled = regex.compile(expression)
        except regex.error as err:
            raise RuleError(f"{expression!r} is not a regular expression: {err}") from None
        if compiled.groups > 1:
            raise RuleError("a regular expression may have at most one group: "
                            "the value to read")
    return Rule(rule.field, rule.kind, expression)


def extract(rule: Rule, tree: LexborHTMLParser, scripts: str | None = None,
            source: str | None = None) -> str | None:
    """What ``rule`` reads from a parsed page (``source``: its HTML as text), as text; None
    when it finds nothing (or the regular expression ran out of time)."""
    if rule.kind == "script":
        value = script_variable(inline_scripts(tree) if scripts is None else scripts,
                                rule.expression)
        return None if value is None or isinstance(value, list | dict) else str(value)
    if rule.kind == "css":
        return text_of(tree.css_first(rule.expression))
    text = (tree.html or "") if source is None else source
    try:
        match = regex.search(rule.expression, text, timeout=REGEX_TIMEOUT)
    except TimeoutError:
        return None
    if match is None:
        return None
    found = match.group(1) if match.re.groups else match.group(0)
    return " ".join(found.split()) or None


def apply(rules: Iterable[Rule], html: bytes, counts: DiaryCounts) -> DiaryCounts:
    """``counts`` with each field a rule reads replaced by the rule's value."""
    rules = list(rules)
    if not rules:
        return counts
    tree = LexborHTMLParser(html)
    scripts = inline_scripts(tree)
    source = html.decode("utf-8", "replace")
    changes: dict = {}
    for rule in rules:
        raw = extract(rule, tree, scripts, source)
        value = (raw if rule.field == "author" else parse_count(raw)) if raw else None
        if value is not None:
            changes[rule.field] = value
    return replace(counts, **changes) if changes else counts
