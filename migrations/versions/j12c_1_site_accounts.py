"""our own diaries: teammates' usernames on the sites

(The team's "Give our own diaries priority" is a row of j12a_1's ``settings`` table.)

Revision ID: j12c_1
Revises: j12b_1
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = "j12c_1"
down_revision = "j12b_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_site_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("username_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(username_key) > 0",
                           name=op.f("ck_user_site_accounts_username_not_empty")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], ondelete="CASCADE",
                                name=op.f("fk_user_site_accounts_site_id_sites")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_user_site_accounts_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_site_accounts")),
        sa.UniqueConstraint("site_id", "username_key",
                            name=op.f("uq_user_site_accounts_site_id_username_key")),
    )
    op.create_index(op.f("ix_user_site_accounts_user_id"), "user_site_accounts", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_user_site_accounts_user_id"), table_name="user_site_accounts")
    op.drop_table("user_site_accounts")
