"""rec lists kept as ordered snapshots; the aging learned from them on sites

Revision ID: j12b_1
Revises: i11_1
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = "j12b_1"
down_revision = "i11_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rec_list_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("taken_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("list_size", sa.Integer(), nullable=False),
        sa.CheckConstraint("list_size >= 0", name=op.f("ck_rec_list_snapshots_list_size_nonneg")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"],
                                name=op.f("fk_rec_list_snapshots_site_id_sites"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rec_list_snapshots")),
    )
    op.create_index("ix_rec_list_snapshots_site_taken", "rec_list_snapshots",
                    ["site_id", "taken_at"])
    op.create_table(
        "rec_list_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("diary_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("position >= 1", name=op.f("ck_rec_list_entries_position_positive")),
        sa.ForeignKeyConstraint(["snapshot_id"], ["rec_list_snapshots.id"],
                                name=op.f("fk_rec_list_entries_snapshot_id_rec_list_snapshots"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["diary_id"], ["diaries.id"],
                                name=op.f("fk_rec_list_entries_diary_id_diaries"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rec_list_entries")),
        sa.UniqueConstraint("snapshot_id", "position",
                            name=op.f("uq_rec_list_entries_snapshot_id_position")),
    )
    op.create_index(op.f("ix_rec_list_entries_diary_id"), "rec_list_entries", ["diary_id"])
    # New nullable columns only: every existing site keeps its row and its configured curve.
    with op.batch_alter_table("sites") as batch_op:
        batch_op.add_column(sa.Column("learned_aging", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("learned_at", models.base.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("learned_fit", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("learned_lists", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sites") as batch_op:
        batch_op.drop_column("learned_lists")
        batch_op.drop_column("learned_fit")
        batch_op.drop_column("learned_at")
        batch_op.drop_column("learned_aging")
    op.drop_index(op.f("ix_rec_list_entries_diary_id"), table_name="rec_list_entries")
    op.drop_table("rec_list_entries")
    op.drop_index("ix_rec_list_snapshots_site_taken", table_name="rec_list_snapshots")
    op.drop_table("rec_list_snapshots")
