"""Health-care tagging: weighted phrase rules scored over a diary's title, tags and body.

Pure (text in, score out) because it runs on every entry of every poll and after every
rule change; the rules themselves live in the TopicRule table.

Scoring: each phrase counts once per field, times the field's weight (a phrase in the
title says more about the diary than one in passing in the body). Matching is
case-insensitive, on word boundaries, and any run of whitespace matches a space in a
phrase. A rule set is compiled once (cached); a score then costs a fast substring
pre-check per phrase and a regex scan only for the phrases that may be there.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from scrapers.types import EntryData

FIELDS = ("title", "tags", "body")
FIELD_WEIGHTS = {"title": 3.0, "tags": 2.0, "body": 1.0}
# Tags are joined with a separator no phrase can span, so "health" + "care" is not a match.
_TAG_SEPARATOR = " | "


@dataclass(frozen=True)
class Rule:
    phrase: str
    weight: float
    field: str = "any"  # any | title | tags | body


@dataclass(frozen=True)
class TopicMatch:
    score: float
    terms: tuple[str, ...]  # matched phrases as the rules spell them, first rule first


@dataclass(frozen=True)
class Hit:
    """One phrase found in one field: what ``explain`` shows."""

    phrase: str
    field: str
    weight: float
    points: float


# Weights: 3 = unmistakably the topic, 2 = strongly about it, 1 = suggestive (ambiguous
# acronyms, names that also appear in other contexts).
DEFAULT_RULES: list[Rule] = [
    Rule("single payer", 3.0),
    Rule("single-payer", 3.0),
    Rule("Medicare for All", 3.0),
    Rule("universal health care", 3.0),
    Rule("universal healthcare", 3.0),
    Rule("HR 676", 3.0),
    Rule("H.R. 676", 3.0),
    Rule("SB 840", 3.0),
    Rule("SiCKO", 3.0),
    Rule("universal coverage", 2.5),
    Rule("public option", 2.5),
    Rule("California Nurses Association", 2.5),
    Rule("health care reform", 2.0),
    Rule("health reform", 2.0),
    Rule("health care", 2.0),
    Rule("healthcare", 2.0),
    Rule("health insurance", 2.0),
    Rule("uninsured", 2.0),
    Rule("underinsured", 2.0),
    Rule("SCHIP", 2.0),
    Rule("Medicare", 1.5),
    Rule("Medicaid", 1.5),
    Rule("insurance companies", 1.5),
    Rule("HMO", 1.5),
    Rule("HMOs", 1.5),
    Rule("Michael Moore", 1.0),
    Rule("CNA", 1.0),
    Rule("nurses", 1.0),
    Rule("prescription drugs", 1.0),
    Rule("health", 0.5, "tags"),
]

_TAG_RE = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment, so phrases inside markup (hrefs) do not count."""
    if "<" not in fragment and "&" not in fragment:
        return fragment
    return html.unescape(_TAG_RE.sub(" ", fragment))


def _key(text: str) -> str:
    return _SPACES.sub(" ", text.strip().lower())


def _phrase_pattern(phrase: str) -> str:
    return r"\s+".join(re.escape(word) for word in _key(phrase).split(" "))


_WORD = re.compile(r"\w+")


def _needle(key: str) -> str:
    # The longest word of a phrase must appear in the text for the phrase to: a plain
    # substring test (C speed) rules out most phrases before any regex runs.
    words = _WORD.findall(key)
    return max(words, key=len) if words else key


class _FieldMatcher:
    """The rules that apply to one field, grouped by a cheap substring pre-check."""

    def __init__(self, rules: Sequence[Rule]):
        self.by_key: dict[str, list[Rule]] = {}
        for rule in rules:
            self.by_key.setdefault(_key(rule.phrase), []).append(rule)
        self.groups: dict[str, list[tuple[str, re.Pattern]]] = {}
        for key in self.by_key:
            # The pattern starts with a literal so re's fast prefix search applies; the
            # word boundary before the match is checked by hand (a look-behind would
            # disable that search and triple the cost).
            self.groups.setdefault(_needle(key), []).append(
                (key, re.compile(_phrase_pattern(key) + r"(?!\w)")))

    def keys_in(self, text: str) -> set[str]:
        found: set[str] = set()
        if not text:
            return found
        lowered = text.lower()
        for needle, patterns in self.groups.items():
            if needle not in lowered:
                continue
            for key, pattern in patterns:
                for match in pattern.finditer(lowered):
                    start = match.start()
                    before = lowered[start - 1] if start else " "
                    if not (before.isalnum() or before == "_"):
                        found.add(key)
                        break
        return found


class CompiledRules:
    """A rule set compiled for fast scoring. Build with :func:`compile_rules` (cached)."""

    def __init__(self, rules: Sequence[Rule]):
        self.rules = tuple(rules)
        self.order = {rule.phrase: i for i, rule in reversed(list(enumerate(self.rules)))}
        self.fields = {
            name: _FieldMatcher([r for r in self.rules if r.field in ("any", name)])
            for name in FIELDS
        }

    def hits(self, title: str, tags: Sequence[str], body: str) -> list[Hit]:
        texts = {"title": title or "", "tags": _TAG_SEPARATOR.join(tags or ()),
                 "body": body or ""}
        result = []
        for name in FIELDS:
            matcher = self.fields[name]
            for key in matcher.keys_in(texts[name]):
                for rule in matcher.by_key[key]:
                    result.append(Hit(rule.phrase, name, rule.weight,
                                      rule.weight * FIELD_WEIGHTS[name]))
        result.sort(key=lambda h: (self.order[h.phrase], FIELDS.index(h.field)))
        return result

    def score(self, title: str, tags: Sequence[str], body: str) -> TopicMatch:
        hits = self.hits(title, tags, body)
        if not hits:
            return TopicMatch(0.0, ())
        terms = tuple(dict.fromkeys(h.phrase for h in hits))
        return TopicMatch(round(sum(h.points for h in hits), 3), terms)


@lru_cache(maxsize=16)
def _compile(rules: tuple[Rule, ...]) -> CompiledRules:
    return CompiledRules(rules)


def compile_rules(rules: Sequence[Rule]) -> CompiledRules:
    """The compiled form of ``rules``; the same rule set is compiled only once."""
    return _compile(tuple(rules))


def score(title: str, tags: Sequence[str], body: str, rules: Sequence[Rule]) -> TopicMatch:
    """Score a diary's text against ``rules``. ``body`` is plain text (see html_to_text)."""
    return compile_rules(rules).score(title, tags, body)


def explain(title: str, tags: Sequence[str], body: str, rules: Sequence[Rule]) -> list[Hit]:
    """Every phrase found, per field, with the points it earned (for `topics test`)."""
    return compile_rules(rules).hits(title, tags, body)


@dataclass(frozen=True)
class TaggedEntry:
    """A feed entry with its topic score: what the store writes."""

    entry: EntryData
    match: TopicMatch


def tag_entries(entries: Iterable[EntryData], rules: CompiledRules) -> list[TaggedEntry]:
    """Score each entry (pure): title, tags and the summary's visible text."""
    return [TaggedEntry(e, rules.score(e.title, e.tags, html_to_text(e.summary_html)))
            for e in entries]
