"""presence and hourly recommend budget for the board

Revision ID: e12_1
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = 'e12_1'
down_revision = 'f14_1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', models.base.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('recs_per_hour', sa.Integer(), server_default='6',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('recs_per_hour')
        batch_op.drop_column('last_seen_at')
