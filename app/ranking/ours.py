"""Our own diaries on the board: teammates' diaries are marked, and first in their group
when the team chose "Give our own diaries priority".

Kept apart from board.py's planning on purpose: the preference only orders rows the plan
already made. It never changes a row's group (a watch row stays a watch row: putting
recs where nobody online can lift a diary helps no one, whoever wrote it) nor who is
asked to help.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.ranking.board import RecRow

GROUP_ORDER = {"act": 0, "protect": 1, "watch": 2}


def mark_ours(rows: Sequence[RecRow], ours: Collection[int], prefer_ours: bool) -> list[RecRow]:
    """``rows`` (act, then protect, then watch) with ``ours`` set on the diaries in
    ``ours``; with ``prefer_ours``, those come first within their group, each part in
    the plan's own order."""
    marked = [dataclasses.replace(r, ours=True) if r.diary_id in ours and not r.ours else r
              for r in rows]
    if prefer_ours:
        # Stable: the plan's order holds among ours and among the others.
        marked.sort(key=lambda r: (GROUP_ORDER[r.group], not r.ours))
    return marked
