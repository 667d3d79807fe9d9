"""The migrations build exactly the schema the models describe, on this run's database."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.db import Base, Database
from portal.migrate import include_name


def test_models_and_migrations_agree(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_migrations_are_at_head(database: Database) -> None:
    from alembic.script import ScriptDirectory

    from portal.migrate import alembic_config

    heads = ScriptDirectory.from_config(alembic_config(database.engine)).get_heads()
    with database.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    assert len(heads) == 1
    assert set(current) == set(heads)
