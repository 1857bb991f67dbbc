"""The board's version: a token that changes with every committed write to what Boost
today is planned from, so a plan computed once can be shared until it changes.

Watched are the tables the plan reads: diaries (new diaries, counts, rec lists, topics),
their metrics, the team's log (actions), sites, teammates and shifts, and page reads (a
site whose pages stopped showing counts has its recommend needs paused). Any statement
that writes one of them, ORM or not, in the web app, the scheduler or the CLI, marks its
connection; the token is replaced in the same transaction just before it commits. A
reader therefore never sees new data under an old token. Presence heartbeats (``UPDATE
users SET last_seen_at``) are not watched: one a minute per teammate would remake the
plan every few seconds; app.boost.presence marks the change itself when a teammate
comes online, and the plan's maximum age covers a teammate going away.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy import String, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base
from models.columns import intpk

WATCHED = frozenset({"diaries", "diary_metrics", "actions", "sites", "users", "shifts",
                     "shift_assignments", "page_reads", "rec_list_snapshots",
                     "rec_list_entries", "user_site_accounts", "settings"})
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_PRESENCE_ONLY = re.compile(r"\s*UPDATE\s+users\s+SET\s+last_seen_at\s*=[^,]*\sWHERE\s",
                            re.IGNORECASE)
_CHANGED = "diaryboost.board_changed"
_READ = "diaryboost.board_version"


class BoardState(Base):
    __tablename__ = "board_state"

    id: Mapped[intpk]
    version: Mapped[str] = mapped_column(String(32))


def current(session: Session) -> str | None:
    """The version as this transaction sees it: the committed token (read once per
    transaction; data read later in it is at least as new), and after board writes of its
    own not yet committed, how many; None before the migration."""
    version = session.info.get(_READ)
    if version is None:
        version = session.execute(text("SELECT version FROM board_state WHERE id = 1")
                                  ).scalar()
        session.info[_READ] = version
    writes = session.connection().info.get(_CHANGED)
    return f"{version}+{writes}" if writes and version is not None else version


def remember(session: Session, version: str | None) -> None:
    """The committed token, read by the caller in this transaction along with other
    things (one round trip): ``current`` then does not read it again."""
    session.info[_READ] = version


def pending(session: Session) -> bool:
    """True when this session's transaction wrote board data it has not committed yet:
    a plan made now must not be shared under the current token."""
    return session.in_transaction() and bool(session.connection().info.get(_CHANGED))


def mark_changed(session: Session) -> None:
    """Replace the token when this transaction commits (for changes not seen as writes to
    a watched table, such as a teammate coming online)."""
    info = session.connection().info
    info[_CHANGED] = info.get(_CHANGED, 0) + 1


def _new_version() -> str:
    return uuid.uuid4().hex


@event.listens_for(Engine, "before_cursor_execute")
def _watch(conn: Connection, cursor, statement: str, parameters, context, executemany):
    found = _WRITE.match(statement)
    if found and found.group(1).lower() in WATCHED and not _PRESENCE_ONLY.match(statement):
        conn.info[_CHANGED] = conn.info.get(_CHANGED, 0) + 1


@event.listens_for(Session, "before_commit")
def _bump_before_session_commit(session: Session) -> None:
    if not session.in_transaction():
        return
    conn = session.connection()
    if conn.info.pop(_CHANGED, False):
        conn.execute(text("UPDATE board_state SET version = :v WHERE id = 1"),
                     {"v": _new_version()})


@event.listens_for(Session, "after_transaction_end")
def _forget_version_read(session: Session, transaction) -> None:
    session.info.pop(_READ, None)


@event.listens_for(Engine, "commit")
def _bump_before_connection_commit(conn: Connection) -> None:
    # Writers without a Session (engine.begin(), the bench's fill). The DBAPI cursor, not
    # conn.execute: the Connection is already committing. Before the migration that
    # creates board_state there is nothing to bump.
    if not conn.info.pop(_CHANGED, False):
        return
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if conn.dialect.name == "sqlite":
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'board_state'")
        else:
            cursor.execute("SELECT to_regclass('board_state')")
        row = cursor.fetchone()
        if row is not None and row[0] is not None:
            mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
            cursor.execute(f"UPDATE board_state SET version = {mark} WHERE id = 1",  # noqa: S608
                           (_new_version(),))
    finally:
        cursor.close()


@event.listens_for(Engine, "rollback")
def _forget_on_rollback(conn: Connection) -> None:
    conn.info.pop(_CHANGED, None)
