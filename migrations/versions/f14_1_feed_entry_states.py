"""feed entry states: an Atom entry's <updated> moves only when its need does

Revision ID: f14_1
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = 'f14_1'
down_revision = 'd13_3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'feed_entry_states',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('diary_id', sa.Integer(), nullable=False),
        sa.Column('needs_key', sa.String(length=500), nullable=False),
        sa.Column('changed_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['diary_id'], ['diaries.id'], ondelete='CASCADE',
                                name=op.f('fk_feed_entry_states_diary_id_diaries')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_feed_entry_states_user_id_users')),
        sa.PrimaryKeyConstraint('user_id', 'diary_id', name=op.f('pk_feed_entry_states')),
    )


def downgrade() -> None:
    op.drop_table('feed_entry_states')
