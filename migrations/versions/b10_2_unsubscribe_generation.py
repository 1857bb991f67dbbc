"""users.unsubscribe_generation: unsubscribe links revoked only by an explicit reset

Revision ID: b10_2
Revises: b10_1
"""
from alembic import op
import sqlalchemy as sa


revision = 'b10_2'
down_revision = 'b10_1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # 0 is the generation of every link mailed so far: they keep working.
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('unsubscribe_generation', sa.Integer(),
                                      server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('unsubscribe_generation')
