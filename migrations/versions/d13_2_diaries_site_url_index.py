"""diaries (site_id, url) index: a new guid is matched to a stored diary by its link

Revision ID: d13_2
Revises: d13_1
Create Date: 2026-11-30 17:55:00
"""
from alembic import op


revision = 'd13_2'
down_revision = 'd13_1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('diaries', schema=None) as batch_op:
        batch_op.create_index('ix_diaries_site_url', ['site_id', 'url'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('diaries', schema=None) as batch_op:
        batch_op.drop_index('ix_diaries_site_url')
