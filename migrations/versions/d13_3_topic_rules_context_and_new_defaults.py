"""topic_rules.needs_context; the new default rules; re-tag stored diaries

An ambiguous phrase ("Michael Moore", "coverage") now scores only next to an unambiguous
one. Installed rule sets get the new defaults: a missing default is added, a default row
nobody edited (still the 0.1 weight, enabled, no note) takes the new weight and flag, and
a row an admin changed is left as it is. Then every stored diary is re-scored, so the
dashboard agrees with the rules at once.

The defaults and the scoring are read from scrapers.topics (the code this migration
ships with); the 0.1 defaults are frozen below, since they identify unedited rows.

Revision ID: d13_3
Revises: d13_2
Create Date: 2026-11-30 18:00:00
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


revision = 'd13_3'
down_revision = 'd13_2'
branch_labels = None
depends_on = None

# (phrase, field) -> weight, as diaryboost 0.1 seeded them.
OLD_DEFAULTS = {
    ("single payer", "any"): 3.0, ("single-payer", "any"): 3.0,
    ("Medicare for All", "any"): 3.0, ("universal health care", "any"): 3.0,
    ("universal healthcare", "any"): 3.0, ("HR 676", "any"): 3.0, ("H.R. 676", "any"): 3.0,
    ("SB 840", "any"): 3.0, ("SiCKO", "any"): 3.0, ("universal coverage", "any"): 2.5,
    ("public option", "any"): 2.5, ("California Nurses Association", "any"): 2.5,
    ("health care reform", "any"): 2.0, ("health reform", "any"): 2.0,
    ("health care", "any"): 2.0, ("healthcare", "any"): 2.0,
    ("health insurance", "any"): 2.0, ("uninsured", "any"): 2.0,
    ("underinsured", "any"): 2.0, ("SCHIP", "any"): 2.0, ("Medicare", "any"): 1.5,
    ("Medicaid", "any"): 1.5, ("insurance companies", "any"): 1.5, ("HMO", "any"): 1.5,
    ("HMOs", "any"): 1.5, ("Michael Moore", "any"): 1.0, ("CNA", "any"): 1.0,
    ("nurses", "any"): 1.0, ("prescription drugs", "any"): 1.0, ("health", "tags"): 0.5,
}

rules = sa.table('topic_rules', sa.column('id', sa.Integer), sa.column('phrase', sa.String),
                 sa.column('weight', sa.Float), sa.column('field', sa.String),
                 sa.column('needs_context', sa.Boolean), sa.column('enabled', sa.Boolean),
                 sa.column('note', sa.Text), sa.column('created_at', sa.DateTime))


def upgrade() -> None:
    with op.batch_alter_table('topic_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('needs_context', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    conn = op.get_bind()
    installed = conn.execute(sa.select(rules.c.id, rules.c.phrase, rules.c.weight,
                                       rules.c.field, rules.c.enabled, rules.c.note)).all()
    if not installed:
        return  # a fresh database: `db upgrade` seeds the defaults afterwards
    install_defaults(conn, installed)
    retag(conn)


def install_defaults(conn, installed) -> None:
    from scrapers.topics import DEFAULT_RULES

    by_key = {(row.phrase.lower(), row.field): row for row in installed}
    old = {(phrase.lower(), field): weight for (phrase, field), weight in OLD_DEFAULTS.items()}
    now = datetime.now(UTC).replace(tzinfo=None) if conn.dialect.name == 'sqlite' \
        else datetime.now(UTC)
    for rule in DEFAULT_RULES:
        key = (rule.phrase.lower(), rule.field)
        row = by_key.get(key)
        if row is None:
            conn.execute(rules.insert().values(
                phrase=rule.phrase, weight=rule.weight, field=rule.field,
                needs_context=rule.needs_context, enabled=True, created_at=now))
        elif (key in old and row.weight == old[key] and row.enabled and row.note is None):
            conn.execute(rules.update().where(rules.c.id == row.id).values(
                weight=rule.weight, needs_context=rule.needs_context))


def retag(conn) -> None:
    from sqlalchemy.orm import Session

    from scrapers import store
    from scrapers.topics import compile_rules

    session = Session(bind=conn)  # flushes into the migration's transaction
    store.retag(session, compile_rules(store.load_rules(session)))
    session.flush()


def downgrade() -> None:
    with op.batch_alter_table('topic_rules', schema=None) as batch_op:
        batch_op.drop_column('needs_context')
