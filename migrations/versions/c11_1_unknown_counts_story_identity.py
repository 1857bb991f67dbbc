"""unknown counts, one identity per story, scrape health, site hosts

Counts become nullable (unknown is not zero): existing counts are kept; a 0 that was never
read from a page (counts_checked_at NULL) was a column default, not data, and becomes
unknown. Diaries on sites whose stories have ids are re-keyed to "story:<id>" — the same
row for /story/ and /stories/, any slug, www or not, tracking parameters — merging any
copies (their metrics and team actions move to the oldest row).

Revision ID: c11_1
Revises: 0001
"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

import models.base

revision = "c11_1"
down_revision = "b10_3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("diary_metrics", schema=None) as batch_op:
        batch_op.alter_column("recommends", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("comments", existing_type=sa.Integer(), nullable=True)
    with _children_kept(op.get_bind(), ("diary_metrics", "actions")), \
            op.batch_alter_table("diaries", schema=None) as batch_op:
        batch_op.alter_column("recommends", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("comments", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("counts_read_at",
                                      models.base.UTCDateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extra_hosts", sa.Text(), nullable=True))
    op.create_table(
        "page_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("diary_id", sa.Integer(), nullable=True),
        sa.Column("read_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("found_recommends", sa.Boolean(), nullable=False),
        sa.Column("found_comments", sa.Boolean(), nullable=False),
        sa.Column("found_author", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["diary_id"], ["diaries.id"],
                                name=op.f("fk_page_reads_diary_id_diaries"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"],
                                name=op.f("fk_page_reads_site_id_sites"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_reads")),
    )
    with op.batch_alter_table("page_reads", schema=None) as batch_op:
        batch_op.create_index("ix_page_reads_site_read", ["site_id", "read_at"], unique=False)

    conn = op.get_bind()
    conn.execute(sa.text("UPDATE diaries SET counts_read_at = counts_checked_at"))
    conn.execute(sa.text("UPDATE diaries SET recommends = NULL, comments = NULL "
                         "WHERE counts_checked_at IS NULL AND recommends = 0 "
                         "AND comments = 0"))
    rekey_stories(conn)


@contextmanager
def _children_kept(conn, tables):
    """SQLite alters a column by re-creating the table; dropping the old ``diaries`` would
    cascade-delete every row that references it. Keep those rows aside and put them back."""
    if conn.dialect.name != "sqlite":
        yield
        return
    # Table names are this migration's own constants, never input.
    for table in tables:
        conn.execute(sa.text(f"CREATE TEMP TABLE keep_{table} AS SELECT * FROM {table}"))  # noqa: S608
    yield
    for table in tables:
        conn.execute(sa.text(f"DELETE FROM {table}"))  # noqa: S608
        conn.execute(sa.text(f"INSERT INTO {table} SELECT * FROM keep_{table}"))  # noqa: S608
        conn.execute(sa.text(f"DROP TABLE keep_{table}"))


def rekey_stories(conn) -> None:
    """Give every diary with a story id the guid "story:<id>", merging copies."""
    # The adapters own the identity rule (a rule lives once); this runs the version of it
    # that ships with this migration's code.
    from scrapers.adapters import get_adapter
    from scrapers.adapters.base import story_guid

    sites = conn.execute(sa.text("SELECT id, platform FROM sites")).all()
    for site_id, platform in sites:
        try:
            adapter = get_adapter(platform)
        except ValueError:
            continue
        groups: dict[str, list[tuple[int, str]]] = {}
        for diary_id, guid, url in conn.execute(sa.text(
                "SELECT id, guid, url FROM diaries WHERE site_id = :s ORDER BY id"),
                {"s": site_id}):
            story = adapter.story_id(url or "")
            if story is not None:
                groups.setdefault(story_guid(story), []).append((diary_id, guid))
        for guid, rows in groups.items():
            keep = rows[0][0]
            for copy, _ in rows[1:]:
                # One person's action on both copies is one action (actions are unique).
                conn.execute(sa.text(
                    "DELETE FROM actions WHERE diary_id = :copy AND EXISTS (SELECT 1 FROM "
                    "actions AS kept WHERE kept.diary_id = :keep AND kept.user_id = "
                    "actions.user_id AND kept.kind = actions.kind AND (kept.target_site_id "
                    "= actions.target_site_id OR (kept.target_site_id IS NULL AND "
                    "actions.target_site_id IS NULL)))"), {"keep": keep, "copy": copy})
                for table in ("diary_metrics", "actions", "page_reads"):
                    conn.execute(sa.text(f"UPDATE {table} SET diary_id = :keep "  # noqa: S608
                                         "WHERE diary_id = :copy"),
                                 {"keep": keep, "copy": copy})
                conn.execute(sa.text("DELETE FROM diaries WHERE id = :copy"), {"copy": copy})
            if rows[0][1] != guid:
                conn.execute(sa.text("UPDATE diaries SET guid = :g WHERE id = :i"),
                             {"g": guid, "i": keep})


def downgrade() -> None:
    with op.batch_alter_table("page_reads", schema=None) as batch_op:
        batch_op.drop_index("ix_page_reads_site_read")
    op.drop_table("page_reads")
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_column("extra_hosts")
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE diary_metrics SET recommends = COALESCE(recommends, 0), "
                         "comments = COALESCE(comments, 0)"))
    conn.execute(sa.text("UPDATE diaries SET recommends = COALESCE(recommends, 0), "
                         "comments = COALESCE(comments, 0)"))
    with op.batch_alter_table("diary_metrics", schema=None) as batch_op:
        batch_op.alter_column("recommends", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("comments", existing_type=sa.Integer(), nullable=False)
    with _children_kept(conn, ("diary_metrics", "actions")), \
            op.batch_alter_table("diaries", schema=None) as batch_op:
        batch_op.drop_column("counts_read_at")
        batch_op.alter_column("recommends", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("comments", existing_type=sa.Integer(), nullable=False)
