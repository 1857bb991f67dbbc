"""a site's aging rule: exponential or the step table

Revision ID: e12_2
Revises: e12_1
"""
from alembic import op
import sqlalchemy as sa


revision = 'e12_2'
down_revision = 'e12_1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sites') as batch_op:
        batch_op.add_column(sa.Column('rec_aging', sa.String(length=10), server_default='exp',
                                      nullable=False))
        batch_op.create_check_constraint('rec_aging', "rec_aging IN ('exp', 'step')")


def downgrade() -> None:
    with op.batch_alter_table('sites') as batch_op:
        batch_op.drop_constraint('ck_sites_rec_aging', type_='check')
        batch_op.drop_column('rec_aging')
