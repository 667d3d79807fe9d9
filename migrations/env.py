"""Alembic environment: the engine comes from the portal (or PORTAL_DATABASE_URL)."""

from alembic import context

import portal.models  # noqa: F401 - registers every table on the metadata
from portal.core.config import default_sqlite_url
from portal.core.db import Base, make_engine
from portal.core.migrate import include_name

config = context.config


def engine_for_run():
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine
    import os

    return make_engine(os.environ.get("PORTAL_DATABASE_URL") or default_sqlite_url())


def run_migrations() -> None:
    engine = engine_for_run()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
