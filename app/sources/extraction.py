"""Admin extraction rules: save a site's overrides, and preview them on a live diary page.

The preview fetches through the same guarded fetcher the count job uses, and only on the
site's own hosts: the settings page must not become a way to fetch arbitrary URLs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app import lookup
from app.errors import ValidationError
from app.sources.service import check_url
from models import ExtractionRule, Site
from scrapers.adapters import get_adapter
from scrapers.hosts import on_hosts, site_hosts
from scrapers.rules import FIELDS, Rule, RuleError, extract, validate


def _site(session: Session, site_id: int) -> Site:
    return lookup.by_id(session, Site, site_id, "site")


def rules_of(session: Session, site_id: int) -> dict[str, Rule]:
    return {r.field: Rule(r.field, r.kind, r.expression) for r in session.scalars(
        select(ExtractionRule).where(ExtractionRule.site_id == site_id))}


def parse_form(form: Mapping[str, str]) -> list[Rule]:
    """Rules from the settings form (``<field>_kind``, ``<field>_expression``), validated;
    a field left blank has no rule. ValidationError names the first bad rule."""
    rules = []
    for field in FIELDS:
        expression = (form.get(f"{field}_expression") or "").strip()
        if not expression:
            continue
        try:
            rules.append(validate(Rule(field, form.get(f"{field}_kind") or "", expression)))
        except RuleError as err:
            raise ValidationError(f"Extraction rule for {field}: {err}") from None
    return rules


def save_rules(session: Session, site_id: int, rules: list[Rule], now: datetime) -> Site:
    """Replace the site's rules with ``rules`` (flushes)."""
    site = _site(session, site_id)
    session.execute(delete(ExtractionRule).where(ExtractionRule.site_id == site.id))
    for rule in rules:
        session.add(ExtractionRule(site_id=site.id, field=rule.field, kind=rule.kind,
                                   expression=rule.expression, created_at=now))
    session.flush()
    return site


@dataclass(frozen=True)
class PreviewRow:
    field: str
    built_in: str | None  # what the platform's adapter reads
    rule: Rule | None
    by_rule: str | None  # what the rule reads


@dataclass(frozen=True)
class Preview:
    site_id: int
    url: str
    rows: tuple[PreviewRow, ...]


def preview(session: Session, site_id: int, url: str, rules: list[Rule], fetcher) -> Preview:
    """What the built-in adapter and each rule read from the diary page at ``url``."""
    site = _site(session, site_id)
    url = check_url(url, "Test URL")
    hosts = site_hosts(site.base_url, site.extra_hosts)
    if not on_hosts(url, hosts):
        raise ValidationError(f"Test URL must be on {site.name}'s own hosts "
                              f"({', '.join(sorted(hosts))}); add others under its hosts")
    result = fetcher.fetch(url, hosts=hosts)  # a redirect off the site is not followed
    if not result.ok or not result.body:
        raise ValidationError(f"Could not read {url}: {result.error or result.status}")
    counts = get_adapter(site.platform).parse_counts(result.body, result.url)
    tree = LexborHTMLParser(result.body)
    source = result.body.decode("utf-8", "replace")
    by_field = {r.field: r for r in rules}
    rows = []
    for field in FIELDS:
        built_in = getattr(counts, field)
        rule = by_field.get(field)
        rows.append(PreviewRow(field, None if built_in is None else str(built_in), rule,
                               extract(rule, tree, source=source) if rule else None))
    return Preview(site.id, url, tuple(rows))
