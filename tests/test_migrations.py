"""The migrations build exactly the schema the models describe, on this run's database."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.core.db import Base, Database
from portal.core.migrate import include_name


def test_models_and_migrations_agree(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_migrations_are_at_head(database: Database) -> None:
    from alembic.script import ScriptDirectory

    from portal.core.migrate import alembic_config

    heads = ScriptDirectory.from_config(alembic_config(database.engine)).get_heads()
    with database.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    assert len(heads) == 1
    assert set(current) == set(heads)


def test_migration_0005_stores_the_sanitised_html_of_existing_comments(tmp_path) -> None:
    from sqlalchemy import create_engine, text

    from portal.core.markdown import render_markdown
    from portal.core.migrate import upgrade_database

    engine = create_engine(f"sqlite:///{tmp_path / 'before-0005.sqlite3'}")
    upgrade_database(engine, "0004")
    bodies = ["<script>alert(1)</script> **bold**", *(f"comment {n}" for n in range(1500))]
    with engine.begin() as connection:
        connection.execute(text("PRAGMA foreign_keys = OFF"))
        connection.execute(
            text(
                "INSERT INTO comments (idea_id, author_id, body, official, created_at)"
                " VALUES (1, 1, :body, 0, '2026-01-01 00:00:00')"
            ),
            [{"body": body} for body in bodies],
        )
    upgrade_database(engine, "head")
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT body, body_html FROM comments ORDER BY id")).all()
    engine.dispose()
    assert len(stored) == len(bodies)
    assert all(html == str(render_markdown(body)) for body, html in stored)
    assert "<script" not in stored[0].body_html and "<strong>bold</strong>" in stored[0].body_html
