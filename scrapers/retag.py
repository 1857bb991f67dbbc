"""Re-tag: re-score every stored diary after an admin changed the topic rules."""

from __future__ import annotations

from sqlalchemy.orm import Session

from scrapers import store
from scrapers.topics import compile_rules


def retag_all(session: Session) -> int:
    """Re-score every stored diary with the enabled TopicRule rows (flushes, no commit).

    Returns how many diaries changed score or matched phrases."""
    return store.retag(session, compile_rules(store.load_rules(session)))
