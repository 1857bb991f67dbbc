"""The migrated schema is exactly what the models declare, on every backend."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import CheckConstraint, inspect

from models import Base


def _script() -> ScriptDirectory:
    from models.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config())


def test_migrations_match_models(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_every_table_is_migrated(engine):
    """Table by table, what the migrations built against what the models declare: the
    same tables, columns and CHECK constraints. Alembic's compare_metadata (above) does
    not compare CHECK constraints, so a rule added to a model without a migration is
    caught here only."""
    inspector = inspect(engine)
    assert set(inspector.get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
    for name, table in Base.metadata.tables.items():
        columns = {c["name"]: c["nullable"] for c in inspector.get_columns(name)}
        assert columns == {c.name: c.nullable for c in table.columns}, name
        checks = {c["name"] for c in inspector.get_check_constraints(name)}
        assert checks == {c.name for c in table.constraints
                          if isinstance(c, CheckConstraint)}, name
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
    assert set(current) == set(_script().get_heads())


def test_upgrade_is_idempotent(engine):
    from models.migrate import upgrade

    upgrade(engine)  # a second run at head changes nothing and does not fail
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is not None
