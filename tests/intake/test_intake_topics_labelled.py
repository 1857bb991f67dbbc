"""The default topic rules against diaries a person labelled (tests/data/topics/).

The rules were tuned on ``tune.tsv`` only; ``holdout.tsv`` judges them. Both figures are
printed (``pytest -s``) so a rule change shows what it did to each.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.topics import DEFAULT_RULES, compile_rules

DATA = Path(__file__).resolve().parent.parent / "data" / "topics"


def labelled(name: str) -> list[tuple[bool, str, str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        label, title, summary = line.split("\t")
        rows.append((label == "H", title, summary))
    return rows


def precision_recall(rows) -> tuple[float, float, list[str], list[str]]:
    rules = compile_rules(DEFAULT_RULES)
    tp = fp = fn = 0
    wrong_in, missed = [], []
    for health, title, summary in rows:
        tagged = rules.score(title, [], summary).score > 0
        tp += tagged and health
        fp += tagged and not health
        fn += health and not tagged
        if tagged and not health:
            wrong_in.append(title)
        if health and not tagged:
            missed.append(title)
    return tp / max(1, tp + fp), tp / max(1, tp + fn), wrong_in, missed


@pytest.mark.parametrize("half", ["tune.tsv", "holdout.tsv"])
def test_default_rules_tag_like_a_person(half):
    rows = labelled(half)
    assert len(rows) >= 100 and 0.4 < sum(h for h, _, _ in rows) / len(rows) < 0.6
    precision, recall, wrong_in, missed = precision_recall(rows)
    print(f"\n{half}: precision {precision:.3f} recall {recall:.3f} "
          f"(tagged but not health care: {wrong_in}; missed: {missed})")
    assert precision >= 0.9 and recall >= 0.9, (precision, recall, wrong_in, missed)
