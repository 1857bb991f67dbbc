"""When each Atom entry last changed for its reader.

A feed reader marks an entry as changed whenever its <updated> moves. Stamping every
entry with the feed's generation time made every diary look changed on every fetch, so
we remember, per reader and diary, the need we last published and when it last changed.
Counts and reason wording move every poll; the need (what help, and for cross-posts
where) is what a reader acts on, so only that moves <updated>.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import FeedEntryState


def needs_key(needs: Iterable) -> str:
    """"recommend|crosspost:calitics,dailykos": the part of a row's needs a reader acts on."""
    parts = [need.kind + (":" + ",".join(sorted(need.targets)) if need.targets else "")
             for need in needs]
    return "|".join(sorted(parts))[:500]


def entry_times(session: Session, user_id: int, keys: Mapping[int, str],
                now: datetime) -> dict[int, datetime]:
    """{diary_id: when its need last changed} for the entries in ``keys`` (diary_id →
    needs_key), recording new and changed needs at ``now``. Flushes; the caller commits."""
    if not keys:
        return {}
    known = {state.diary_id: state for state in session.scalars(
        select(FeedEntryState).where(FeedEntryState.user_id == user_id,
                                     FeedEntryState.diary_id.in_(list(keys))))}
    times = {}
    for diary_id, key in keys.items():
        state = known.get(diary_id)
        if state is None:
            state = FeedEntryState(user_id=user_id, diary_id=diary_id, needs_key=key,
                                   changed_at=now)
            session.add(state)
        elif state.needs_key != key:
            state.needs_key, state.changed_at = key, now
        times[diary_id] = state.changed_at
    session.flush()
    return times
