"""ideas experience: similar-idea search over title and problem, and comment replies

Similar ideas rank rewordings ("text reminder before the due date" finds "Due-date reminders
by text message"), so they need stemming: SQLite gets a second FTS5 table over title and
problem with the porter tokenizer (the search table of 0002 keeps its exact words), kept in
sync by triggers; PostgreSQL gets a stored, weighted english tsvector of title and problem
and a trigram index on the title (pg_trgm). Comments get `parent_id` for one level of
replies.

Revision ID: 0010_ideas_experience
Revises: 0009_identity_sso_scim
Create Date: 2026-12-06 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_ideas_experience"
# The brief names "0009_identity_sso_scim"; this branch's 0009 is still called "0009", and the
# coordinator re-chains revisions at merge.
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Named under "ideas_fts" / "ix_ideas_search" / "search_document" so that model comparisons
# leave them out (portal.core.migrate.SCHEMA_OUTSIDE_MODELS).
SQLITE_UP = [
    "CREATE VIRTUAL TABLE ideas_fts_similar USING fts5("
    "title, problem, content='ideas', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER ideas_fts_similar_insert AFTER INSERT ON ideas BEGIN "
    "INSERT INTO ideas_fts_similar(rowid, title, problem) "
    "VALUES (new.id, new.title, new.problem); END",
    "CREATE TRIGGER ideas_fts_similar_delete AFTER DELETE ON ideas BEGIN "
    "INSERT INTO ideas_fts_similar(ideas_fts_similar, rowid, title, problem) "
    "VALUES ('delete', old.id, old.title, old.problem); END",
    "CREATE TRIGGER ideas_fts_similar_update AFTER UPDATE OF title, problem ON ideas BEGIN "
    "INSERT INTO ideas_fts_similar(ideas_fts_similar, rowid, title, problem) "
    "VALUES ('delete', old.id, old.title, old.problem); "
    "INSERT INTO ideas_fts_similar(rowid, title, problem) "
    "VALUES (new.id, new.title, new.problem); END",
    "INSERT INTO ideas_fts_similar(ideas_fts_similar) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS ideas_fts_similar_insert",
    "DROP TRIGGER IF EXISTS ideas_fts_similar_delete",
    "DROP TRIGGER IF EXISTS ideas_fts_similar_update",
    "DROP TABLE IF EXISTS ideas_fts_similar",
]
SIMILAR_DOCUMENT = (
    "setweight(to_tsvector('english', title), 'A') || "
    "setweight(to_tsvector('english', problem), 'B')"
)
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"ALTER TABLE ideas ADD COLUMN search_document_similar tsvector "
    f"GENERATED ALWAYS AS ({SIMILAR_DOCUMENT}) STORED",
    "CREATE INDEX ix_ideas_search_similar ON ideas USING gin (search_document_similar)",
]
# The operator class lives in the schema the extension was first installed in, which need not
# be on this connection's search path.
TRIGRAM_SCHEMA = (
    "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
)
TRIGRAM_INDEX = "CREATE INDEX ix_ideas_search_title_trgm ON ideas USING gin (title {}.gin_trgm_ops)"
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS ix_ideas_search_title_trgm",
    "DROP INDEX IF EXISTS ix_ideas_search_similar",
    "ALTER TABLE ideas DROP COLUMN IF EXISTS search_document_similar",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_UP if dialect == "sqlite" else POSTGRES_UP:
        op.execute(statement)
    if dialect == "postgresql":
        schema = op.get_bind().execute(sa.text(TRIGRAM_SCHEMA)).scalar_one()
        op.execute(TRIGRAM_INDEX.format(schema))
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_comments_parent_id_id", ["parent_id", "id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_comments_parent_id_comments"),
            "comments",
            ["parent_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_comments_parent_id_comments"), type_="foreignkey")
        batch_op.drop_index("ix_comments_parent_id_id")
        batch_op.drop_column("parent_id")
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_DOWN if dialect == "sqlite" else POSTGRES_DOWN:
        op.execute(statement)
