"""board version: a token replaced with every write the board is planned from, so the
plan is made once per change (app/boost/board_cache.py); an index on diaries'
publication time for the queries over every site's young diaries

Revision ID: j12d_1
Revises: i11_1
"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = "j12d_1"
down_revision = "j12a_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "board_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_state")),
    )
    # A random first token: two databases never share a cache entry.
    op.bulk_insert(table, [{"id": 1, "version": uuid.uuid4().hex}])
    op.create_index("ix_diaries_published", "diaries", ["published_at"])


def downgrade() -> None:
    op.drop_index("ix_diaries_published", table_name="diaries")
    op.drop_table("board_state")
