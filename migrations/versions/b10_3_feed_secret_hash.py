"""users.feed_secret -> users.feed_secret_hash: personal feed URLs stored as SHA-256

Existing secrets are hashed in place, so calendar and Atom subscriptions made before the
upgrade keep working; the plain secrets are gone from the database afterwards.

Revision ID: b10_3
Revises: b10_2
"""
import hashlib

from alembic import op
import sqlalchemy as sa


revision = 'b10_3'
down_revision = 'b10_2'
branch_labels = None
depends_on = None

users = sa.table('users', sa.column('id', sa.Integer),
                 sa.column('feed_secret', sa.String), sa.column('feed_secret_hash', sa.String))


def upgrade() -> None:
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('feed_secret_hash', sa.String(length=64), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.select(users.c.id, users.c.feed_secret)
                        .where(users.c.feed_secret.is_not(None))).all()
    for user_id, secret in rows:
        # The same digest as app.accounts.tokens.token_digest (not imported: migrations stay
        # valid whatever the app's code becomes).
        conn.execute(users.update().where(users.c.id == user_id).values(
            feed_secret_hash=hashlib.sha256(secret.encode()).hexdigest()))
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_constraint('uq_users_feed_secret', type_='unique')
        batch_op.drop_column('feed_secret')
        batch_op.create_unique_constraint('uq_users_feed_secret_hash', ['feed_secret_hash'])


def downgrade() -> None:
    # The plain secrets cannot be recovered: personal URLs must be made anew.
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_constraint('uq_users_feed_secret_hash', type_='unique')
        batch_op.drop_column('feed_secret_hash')
        batch_op.add_column(sa.Column('feed_secret', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_users_feed_secret', ['feed_secret'])
