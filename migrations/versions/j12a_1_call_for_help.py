"""calls for help: alert pushes and deliveries, team settings (name → value), alert opt-in

Revision ID: j12a_1
Revises: j12c_1
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = "j12a_1"
down_revision = "j12c_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        # Off for everyone already on the team: alerts are opt-in.
        batch_op.add_column(sa.Column("alert_opt_in", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.create_table(
        "alert_pushes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("diary_id", sa.Integer(), nullable=False),
        sa.Column("started_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["diary_id"], ["diaries.id"], ondelete="CASCADE",
                                name=op.f("fk_alert_pushes_diary_id_diaries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_pushes")),
    )
    op.create_index(op.f("ix_alert_pushes_diary_id"), "alert_pushes", ["diary_id"])
    op.create_index("uq_alert_pushes_open_diary", "alert_pushes", ["diary_id"], unique=True,
                    sqlite_where=sa.text("ended_at IS NULL"),
                    postgresql_where=sa.text("ended_at IS NULL"))
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("push_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("claimed_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint("channel IN ('email', 'webhook')",
                           name=op.f("ck_alert_deliveries_channel")),
        sa.CheckConstraint("(channel = 'webhook') = (user_id IS NULL)",
                           name=op.f("ck_alert_deliveries_recipient")),
        sa.ForeignKeyConstraint(["push_id"], ["alert_pushes.id"], ondelete="CASCADE",
                                name=op.f("fk_alert_deliveries_push_id_alert_pushes")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_alert_deliveries_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_deliveries")),
        sa.UniqueConstraint("push_id", "user_id", "channel",
                            name=op.f("uq_alert_deliveries_push_id_user_id_channel")),
    )
    op.create_index("uq_alert_deliveries_push_webhook", "alert_deliveries",
                    ["push_id", "channel"], unique=True,
                    sqlite_where=sa.text("user_id IS NULL"),
                    postgresql_where=sa.text("user_id IS NULL"))
    op.create_index("ix_alert_deliveries_user_claimed", "alert_deliveries",
                    ["user_id", "claimed_at"])
    op.create_table(
        "settings",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_settings_updated_by_users")),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_settings")),
    )


def downgrade() -> None:
    op.drop_table("settings")
    op.drop_table("alert_deliveries")
    op.drop_table("alert_pushes")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("alert_opt_in")
