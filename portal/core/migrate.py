"""Alembic, driven from the app so every command uses the app's own database settings."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


# Search structures the migrations create by hand, which the models do not describe: SQLite's
# FTS5 table, PostgreSQL's generated `ideas.search_document` column and its GIN index
# (names are matched by prefix, so "ix_ideas_search" also covers "ix_ideas_search_document").
SCHEMA_OUTSIDE_MODELS = ("ideas_fts", "ix_ideas_search", "search_document")


def include_name(name: str | None, _type: str, _parent_names: object) -> bool:
    """Leave hand-made search tables, columns and indexes out of model/migration comparisons."""
    return not (name and name.startswith(SCHEMA_OUTSIDE_MODELS))


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def new_revision(engine: Engine, message: str) -> None:
    command.revision(alembic_config(engine), message=message, autogenerate=True)
