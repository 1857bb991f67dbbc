"""admin extraction rules per site

Revision ID: c11_2
Revises: c11_1
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = "c11_2"
down_revision = "c11_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "extraction_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("expression", sa.String(length=500), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("field IN ('recommends', 'comments', 'author')",
                           name=op.f("ck_extraction_rules_field")),
        sa.CheckConstraint("kind IN ('script', 'css', 'regex')",
                           name=op.f("ck_extraction_rules_kind")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"],
                                name=op.f("fk_extraction_rules_site_id_sites"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extraction_rules")),
        sa.UniqueConstraint("site_id", "field", name=op.f("uq_extraction_rules_site_id_field")),
    )


def downgrade() -> None:
    op.drop_table("extraction_rules")
