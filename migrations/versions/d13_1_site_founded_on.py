"""sites.founded_on: entry dates before a site's founding are not believed

Revision ID: d13_1
Revises: 0001
Create Date: 2026-11-30 17:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'd13_1'
down_revision = 'c11_2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('founded_on', sa.Date(), server_default='1999-01-01',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('founded_on')
