"""our own diaries: teammates' usernames on the sites, and the team's settings row

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
    op.create_table(
        "team_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prefer_ours", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_team_settings_single_row")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_team_settings_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_settings")),
    )


def downgrade() -> None:
    op.drop_table("team_settings")
    op.drop_index(op.f("ix_user_site_accounts_user_id"), table_name="user_site_accounts")
    op.drop_table("user_site_accounts")
