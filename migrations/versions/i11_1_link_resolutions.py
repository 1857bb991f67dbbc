"""remembered resolutions of feed redirect links (FeedBurner)

Revision ID: i11_1
Revises: h14_1
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = "i11_1"
down_revision = "h14_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_resolutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("link", sa.String(length=2000), nullable=False),
        sa.Column("target_url", sa.String(length=2000), nullable=False),
        sa.Column("resolved_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"],
                                name=op.f("fk_link_resolutions_site_id_sites"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_resolutions")),
        sa.UniqueConstraint("site_id", "link", name=op.f("uq_link_resolutions_site_id_link")),
    )


def downgrade() -> None:
    op.drop_table("link_resolutions")
