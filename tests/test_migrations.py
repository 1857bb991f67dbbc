"""The migrated schema is exactly what the models declare, on every backend."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from models import Base


def test_migrations_match_models(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_every_table_is_migrated(engine):
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_upgrade_is_idempotent(engine):
    from models.migrate import upgrade

    upgrade(engine)  # a second run at head changes nothing and does not fail
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is not None
