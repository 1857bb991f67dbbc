"""board marks: a teammate's own dismiss ("not for me") and snooze of Boost today rows

Revision ID: h14_1
Revises: f14_1
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = 'h14_1'
down_revision = 'e12_2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'board_marks',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('diary_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('until', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('dismiss', 'snooze')", name=op.f('ck_board_marks_kind')),
        sa.CheckConstraint("kind = 'dismiss' OR until IS NOT NULL",
                           name=op.f('ck_board_marks_snooze_has_until')),
        sa.ForeignKeyConstraint(['diary_id'], ['diaries.id'], ondelete='CASCADE',
                                name=op.f('fk_board_marks_diary_id_diaries')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_board_marks_user_id_users')),
        sa.PrimaryKeyConstraint('user_id', 'diary_id', name=op.f('pk_board_marks')),
    )


def downgrade() -> None:
    op.drop_table('board_marks')
