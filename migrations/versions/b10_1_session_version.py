"""users.session_version: part of the login identity, bumped to end sessions

Revision ID: b10_1
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = 'b10_1'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('session_version')
