"""Topic rules: the weighted phrases that tag a diary as health-care.

Admins add, edit and disable rules here; after any change the caller re-tags the stored
diaries (``retag``) so the dashboard agrees with the rules at once. ``try_score`` lets
an admin paste a title and see what the current rules would make of it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import lookup
from app.errors import Conflict, ValidationError
from models import RULE_FIELDS, TopicRule

MAX_WEIGHT = 100.0
MAX_PHRASE = 200


def list_rules(session: Session) -> list[TopicRule]:
    """Every rule, enabled first, then by weight (strongest first) and phrase."""
    return list(session.scalars(select(TopicRule).order_by(
        TopicRule.enabled.desc(), TopicRule.weight.desc(), TopicRule.phrase)))


def get_rule(session: Session, rule_id: int) -> TopicRule:
    return lookup.by_id(session, TopicRule, rule_id, "topic rule")


def _phrase(value: str) -> str:
    # Collapse runs of whitespace: "single  payer" and "single payer" are one rule.
    phrase = re.sub(r"\s+", " ", value or "").strip()
    if not phrase:
        raise ValidationError("Phrase must not be empty")
    if len(phrase) > MAX_PHRASE:
        raise ValidationError(f"Phrase must be at most {MAX_PHRASE} characters")
    return phrase


def _weight(value) -> float:
    raw = value.strip() if isinstance(value, str) else value
    try:
        weight = float(raw)
    except (TypeError, ValueError):
        raise ValidationError(f"Weight must be a number, got {value!r}") from None
    if not math.isfinite(weight) or not -MAX_WEIGHT <= weight <= MAX_WEIGHT:
        raise ValidationError(f"Weight must be between -{MAX_WEIGHT:g} and {MAX_WEIGHT:g}, "
                              f"got {value}")
    return weight


def _field(value: str) -> str:
    value = (value or "any").strip().lower()
    if value not in RULE_FIELDS:
        raise ValidationError(f"Field must be one of {', '.join(RULE_FIELDS)}, got {value!r}")
    return value


def _check_unique(session: Session, phrase: str, field: str, rule_id: int | None) -> None:
    # Case-insensitive: matching ignores case, so "SiCKO" and "sicko" would double-count.
    query = select(TopicRule).where(func.lower(TopicRule.phrase) == phrase.lower(),
                                    TopicRule.field == field)
    if rule_id is not None:
        query = query.where(TopicRule.id != rule_id)
    other = session.scalar(query)
    if other is not None:
        raise Conflict(f"A rule for {phrase!r} in {field} already exists "
                       f"(weight {other.weight:g})")


def add_rule(session: Session, *, phrase: str, weight, field: str = "any",
             note: str | None = None, needs_context: bool = False,
             now: datetime) -> TopicRule:
    """Add an enabled rule. Empty phrase, weight outside -100..100 or not a number, or a
    duplicate (phrase, field) raise a clear ValidationError/Conflict. ``needs_context``:
    the phrase is ambiguous and scores only next to an unambiguous rule's phrase."""
    phrase, weight, field = _phrase(phrase), _weight(weight), _field(field)
    _check_unique(session, phrase, field, None)
    rule = TopicRule(phrase=phrase, weight=weight, field=field, enabled=True,
                     needs_context=bool(needs_context),
                     note=(note or "").strip() or None, created_at=now)
    session.add(rule)
    session.flush()
    return rule


def update_rule(session: Session, rule_id: int, *, phrase: str | None = None,
                weight=None, field: str | None = None, enabled: bool | None = None,
                note: str | None = None, needs_context: bool | None = None) -> TopicRule:
    """Change any of a rule's phrase, weight, field, enabled or needs_context flag or
    note (None = keep)."""
    rule = get_rule(session, rule_id)
    new_phrase = rule.phrase if phrase is None else _phrase(phrase)
    new_weight = rule.weight if weight is None else _weight(weight)
    new_field = rule.field if field is None else _field(field)
    if (new_phrase.lower(), new_field) != (rule.phrase.lower(), rule.field):
        _check_unique(session, new_phrase, new_field, rule.id)
    rule.phrase, rule.weight, rule.field = new_phrase, new_weight, new_field
    if enabled is not None:
        rule.enabled = bool(enabled)
    if needs_context is not None:
        rule.needs_context = bool(needs_context)
    if note is not None:
        rule.note = note.strip() or None
    session.flush()
    return rule


def set_rule_enabled(session: Session, rule_id: int, enabled: bool) -> TopicRule:
    return update_rule(session, rule_id, enabled=enabled)


def split_tags(text: str) -> list[str]:
    """Tags as typed in a form: comma separated, blanks dropped."""
    return [tag.strip() for tag in (text or "").split(",") if tag.strip()]


def try_score(session: Session, title: str, tags: Sequence[str] = (), body: str = ""):
    """Score a pasted title (tags, body as HTML or text) as tagging would -> TopicMatch:
    the same rules in force (``store.load_rules``) and the same ``scrapers.topics.score``."""
    from scrapers.store import load_rules
    from scrapers.topics import score

    if not (title or "").strip():
        raise ValidationError("Paste a title to test")
    return score(title, list(tags), body or "", load_rules(session))


def retag(session: Session) -> int:
    """Re-score every stored diary with the enabled rules; returns how many changed."""
    from scrapers.retag import retag_all

    return retag_all(session)
