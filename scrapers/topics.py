"""Health-care tagging: weighted phrase rules scored over a diary's title, tags and body.

Pure (text in, score out) because it runs on every entry of every poll and after every
rule change; the rules themselves live in the TopicRule table.

Scoring: each phrase counts once per field, times the field's weight (a phrase in the
title says more about the diary than one in passing in the body). Matching reads words,
as a person does: case-insensitive, whole words, hyphens and punctuation are spaces
("health-care" is "health care"), a phrase also matches written as one word
("healthcare"), and its words match in any order a few words apart ("reform of the
health system" is "health reform"); "H.R." is "HR" and "veterans'" is "veterans". A rule
marked ``needs_context`` (an ambiguous name or word: "Moore", "coverage") scores only in
a diary where some other, unambiguous rule also matched. Rules that read the same after
this folding count once.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from scrapers.types import EntryData

FIELDS = ("title", "tags", "body")
FIELD_WEIGHTS = {"title": 3.0, "tags": 2.0, "body": 1.0}


@dataclass(frozen=True)
class Rule:
    phrase: str
    weight: float
    field: str = "any"  # any | title | tags | body
    # Scores only when a rule without this flag matched the same diary.
    needs_context: bool = False


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


# Weights: 3 = unmistakably the topic, 2 = strongly about it, 1 = suggestive. Phrases
# marked AMBIGUOUS are ambiguous alone (a filmmaker, a senator, media "coverage", a
# "public option" for broadband) and score only next to an unambiguous term.
# Hyphenated, one-word and reordered spellings need no rule of their own. The order
# matters: matched terms are listed first rule first.
AMBIGUOUS = True
_DEFAULT_PHRASES: tuple[tuple[str, float] | tuple[str, float, bool], ...] = (
    ("single payer", 3.0),
    ("Medicare for All", 3.0),
    ("universal health care", 3.0),
    ("HR 676", 3.0),
    ("SB 840", 3.0),
    ("SiCKO", 3.0),
    ("Affordable Care Act", 3.0),
    ("Obamacare", 3.0),
    ("Romneycare", 3.0),
    ("universal coverage", 2.5),
    ("guaranteed health care", 2.5),
    ("national health program", 2.5),
    ("public option", 2.5, AMBIGUOUS),
    ("public plan", 2.0, AMBIGUOUS),
    ("California Nurses Association", 2.5),
    ("PNHP", 2.5),
    ("health care reform", 2.0),
    ("health reform", 2.0),
    ("health care", 2.0),
    ("health insurance", 2.0),
    ("health insurer", 2.0),
    ("health insurers", 2.0),
    ("health plan", 2.0),
    ("health coverage", 2.0),
    ("health system", 1.5),
    ("health center", 1.5),
    ("health centers", 1.5),
    ("mental health", 2.0),
    ("mental illness", 1.0, AMBIGUOUS),
    ("parity", 1.5, AMBIGUOUS),
    ("uninsured", 2.0),
    ("underinsured", 2.0),
    ("pre-existing condition", 2.5),
    ("pre-existing conditions", 2.5),
    ("individual mandate", 2.0),
    ("mandate", 1.0, AMBIGUOUS),
    ("SCHIP", 2.0),
    ("CHIP", 1.5, AMBIGUOUS),
    ("Medicare", 1.5),
    ("Medicaid", 1.5),
    ("Medicare Advantage", 2.0),
    ("Part D", 1.0, AMBIGUOUS),
    ("doughnut hole", 1.0, AMBIGUOUS),
    ("COBRA", 1.0, AMBIGUOUS),
    ("insurance companies", 1.5, AMBIGUOUS),
    ("insurance company", 1.5, AMBIGUOUS),
    ("private insurance", 2.0),
    ("employer coverage", 2.0),
    ("junk plans", 2.0),
    ("insurer", 1.5),
    ("insurers", 1.5),
    ("Blue Cross", 2.0),
    ("Kaiser", 1.0, AMBIGUOUS),
    ("UnitedHealth", 2.0),
    ("WellPoint", 2.0),
    ("Aetna", 2.0),
    ("Humana", 2.0),
    ("HMO", 1.5),
    ("HMOs", 1.5),
    ("managed care", 1.5),
    ("premiums", 1.0, AMBIGUOUS),
    ("deductible", 1.5),
    ("high-deductible", 2.0),
    ("copay", 1.5),
    ("prior authorization", 2.0),
    ("deny coverage", 2.0),
    ("denied coverage", 2.0),
    ("claims denial", 2.0),
    ("coverage", 1.0, AMBIGUOUS),
    ("HSA", 2.5),
    ("HSAs", 2.5),
    ("health savings account", 2.5),
    ("health savings accounts", 2.5),
    ("prescription drugs", 1.5),
    ("prescription drug", 1.5),
    ("prescriptions", 1.5),
    ("drug prices", 2.0),
    ("drug price", 2.0),
    ("drug companies", 1.5),
    ("drug makers", 1.5),
    ("pharmaceutical", 1.5),
    ("Big Pharma", 2.0),
    ("pharma", 1.0, AMBIGUOUS),
    ("pharmacy benefit managers", 2.5),
    ("PBM", 2.0),
    ("PBMs", 2.0),
    ("insulin", 2.0),
    ("dialysis", 1.5),
    ("chemo", 2.0),
    ("cancer", 1.0),
    ("patients", 1.5),
    ("hospital", 1.5),
    ("hospitals", 1.5),
    ("emergency room", 1.5),
    ("emergency rooms", 1.5),
    ("nursing home", 1.5),
    ("nursing homes", 1.5),
    ("clinic", 1.0),
    ("clinics", 1.0),
    ("medical bills", 2.0),
    ("medical debt", 2.0),
    ("medical bankruptcy", 2.0),
    ("medically necessary", 1.5),
    ("surprise billing", 2.0),
    ("death panels", 2.0),
    ("end-of-life", 1.0, AMBIGUOUS),
    ("Walter Reed", 2.5),
    ("VA hospital", 2.5),
    ("VA hospitals", 2.5),
    ("veterans health care", 2.5),
    ("veterans", 1.0, AMBIGUOUS),
    ("wait list", 1.0, AMBIGUOUS),
    ("wounded", 1.0, AMBIGUOUS),
    ("doctors", 1.0, AMBIGUOUS),
    ("doctor", 1.0, AMBIGUOUS),
    ("nurses", 1.0, AMBIGUOUS),
    ("nurse", 1.0, AMBIGUOUS),
    ("CNA", 1.0, AMBIGUOUS),
    ("Michael Moore", 1.0, AMBIGUOUS),
    ("Moore", 0.5, AMBIGUOUS),
)
DEFAULT_RULES: list[Rule] = [
    *(Rule(phrase, weight, needs_context=bool(ambiguous))
      for phrase, weight, *ambiguous in _DEFAULT_PHRASES),
    Rule("health", 0.5, "tags"),  # the tag, not the word in passing
]

_TAG_RE = re.compile(r"<[^>]*>")
# Punctuation separates words, except dots and apostrophes, which vanish inside them
# ("H.R." is "hr", "veterans'" is "veterans"); a possessive "'s" goes ("Moore's").
# str.translate + split: several times faster than a regex tokenizer on long bodies.
_SEPARATORS = {ord(c): " " for c in string.punctuation + "_\u2013\u2014\u201c\u201d\u2018"
               "\u00ab\u00bb\u2026"}
_SEPARATORS.update({ord(c): None for c in ".'\u2019"})
_POSSESSIVE = re.compile(r"['\u2019]s\b")
# Words of a phrase may stand this many places further apart than in the phrase itself.
_SLACK = 1


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment, so phrases inside markup (hrefs) do not count."""
    if "<" not in fragment and "&" not in fragment:
        return fragment
    return html.unescape(_TAG_RE.sub(" ", fragment))


def words(text: str) -> list[str]:
    """The words of ``text`` as matching sees them (see the module docstring)."""
    lowered = text.lower()
    if "'" in lowered or "\u2019" in lowered:
        lowered = _POSSESSIVE.sub("", lowered)
    return lowered.translate(_SEPARATORS).split()


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(words(phrase))


def _positions(found_words: Sequence[str], wanted: set[str]) -> dict[str, list[int]]:
    """Where each word of ``wanted`` stands among ``found_words``."""
    at: dict[str, list[int]] = {}
    for i, word in enumerate(found_words):
        if word in wanted:
            at.setdefault(word, []).append(i)
    return at


def _spellings(key: tuple[str, ...]) -> list[tuple[str, ...]]:
    """``key`` and every way of writing some of its neighbouring words as one word:
    ("health", "care", "reform") is also ("healthcare", "reform"), ... ("healthcarereform",)."""
    forms = [key[:1]]
    for word in key[1:]:
        forms = [f + (word,) for f in forms] + [f[:-1] + (f[-1] + word,) for f in forms]
    return forms if key else []


def _present(key: tuple[str, ...], at: dict[str, list[int]]) -> bool:
    if not key or any(word not in at for word in key):
        return False
    if len(key) == 1:
        return True
    reach = len(key) - 1 + _SLACK
    rarest = min(key, key=lambda word: len(at[word]))
    return any(all(any(abs(q - p) <= reach for q in at[word]) for word in key)
               for p in at[rarest])


class _FieldMatcher:
    """The rules that apply to one field, by their folded phrase."""

    def __init__(self, rules: Sequence[Rule]):
        self.by_key: dict[tuple[str, ...], Rule] = {}
        for rule in rules:
            # "single payer" and "single-payer" are one rule now: the first one counts.
            self.by_key.setdefault(_key(rule.phrase), rule)
        joined: dict[str, tuple[str, ...]] = {}
        for key in list(self.by_key):
            first = joined.setdefault("".join(key), key)
            if first != key:
                del self.by_key[key]  # "healthcare" is "health care"
        self.spellings = {key: [(form, frozenset(form)) for form in _spellings(key)]
                          for key in self.by_key}
        self.vocabulary = frozenset(w for forms in self.spellings.values()
                                    for form, _ in forms for w in form)
        # Only phrases one of whose spellings starts with a word of a text can be there.
        self.by_word: dict[str, set[tuple[str, ...]]] = {}
        for key, forms in self.spellings.items():
            for form, _ in forms:
                self.by_word.setdefault(form[0], set()).add(key)

    def keys_in(self, texts: Sequence[str]) -> set[tuple[str, ...]]:
        """Keys found in any one of ``texts`` (a phrase never spans two of them)."""
        found: set[tuple[str, ...]] = set()
        for text in texts:
            if not text:
                continue
            tokens = words(text)
            # Set operations at C speed first: most texts hold few of the rules' words.
            present = self.vocabulary.intersection(tokens)
            at = joined = None
            for key in {key for word in present for key in self.by_word.get(word, ())}:
                if key in found:
                    continue
                for form, needed in self.spellings[key]:
                    if not needed <= present:
                        continue  # a word of this spelling is missing: no scan needed
                    if len(form) > 1:
                        # Written as in the phrase (a substring test), else a word or so
                        # apart in any order (word positions, built once per text).
                        joined = joined if joined is not None else f" {' '.join(tokens)} "
                        if f" {' '.join(form)} " not in joined:
                            at = at if at is not None else _positions(tokens, present)
                            if not _present(form, at):
                                continue
                    found.add(key)
                    break
        return found


def _in_context(hits: Sequence[Hit], context: dict[str, bool]) -> bool:
    """Whether ambiguous rules may score: an unambiguous rule matched, or two different
    ambiguous ones did ("Kaiser" and "premiums" together are about health care)."""
    ambiguous: list[set[str]] = []
    for hit in hits:
        if hit.weight > 0:
            if not context[hit.phrase]:
                return True
            ambiguous.append(set(_key(hit.phrase)))
    # "Moore" inside "Michael Moore" is one name, not two terms.
    return any(not (a <= b or b <= a) for i, a in enumerate(ambiguous)
               for b in ambiguous[i + 1:])


class CompiledRules:
    """A rule set compiled for fast scoring. Build with :func:`compile_rules` (cached)."""

    def __init__(self, rules: Sequence[Rule]):
        self.rules = tuple(rules)
        self.order = {rule.phrase: i for i, rule in reversed(list(enumerate(self.rules)))}
        self.context = {rule.phrase: rule.needs_context for rule in reversed(self.rules)}
        self.fields = {
            name: _FieldMatcher([r for r in self.rules if r.field in ("any", name)])
            for name in FIELDS
        }

    def hits(self, title: str, tags: Sequence[str], body: str) -> list[Hit]:
        texts = {"title": [title or ""], "tags": list(tags or ()), "body": [body or ""]}
        result = []
        for name in FIELDS:
            matcher = self.fields[name]
            for key in matcher.keys_in(texts[name]):
                rule = matcher.by_key[key]
                result.append(Hit(rule.phrase, name, rule.weight,
                                  rule.weight * FIELD_WEIGHTS[name]))
        if not _in_context(result, self.context):
            result = [h for h in result if not self.context[h.phrase]]
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


def _compiled(rules: Sequence[Rule] | CompiledRules) -> CompiledRules:
    return rules if isinstance(rules, CompiledRules) else compile_rules(rules)


def score(title: str, tags: Sequence[str], body_html: str,
          rules: Sequence[Rule] | CompiledRules) -> TopicMatch:
    """The one topic score of a diary: real tagging (ingest and re-tag), `topics test`
    and the Topics page's test box all call this, so they cannot disagree.

    ``body_html`` is the summary as the feed gives it (HTML or plain text): only its
    visible text counts (:func:`html_to_text`), so a phrase in an href scores nothing.
    ``rules`` is the rule set in force (``store.load_rules``), compiled or not."""
    return _compiled(rules).score(title, tags, html_to_text(body_html or ""))


def explain(title: str, tags: Sequence[str], body_html: str,
            rules: Sequence[Rule] | CompiledRules) -> list[Hit]:
    """Every phrase :func:`score` finds, per field, with its points (for `topics test`)."""
    return _compiled(rules).hits(title, tags, html_to_text(body_html or ""))


@dataclass(frozen=True)
class TaggedEntry:
    """A feed entry with its topic score: what the store writes."""

    entry: EntryData
    match: TopicMatch


def tag_entries(entries: Iterable[EntryData], rules: CompiledRules) -> list[TaggedEntry]:
    """Score each entry (pure): title, tags and the summary's visible text."""
    return [TaggedEntry(e, score(e.title, e.tags, e.summary_html, rules)) for e in entries]
