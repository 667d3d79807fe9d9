"""Full-text search over ideas: SQLite FTS5 or a PostgreSQL tsvector, behind one function."""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, func, literal_column, select, text
from sqlalchemy.orm import Session

from portal.ideas.models import Idea

WORD = re.compile(r"\w+", re.UNICODE)
# Must stay identical to the expression of the GIN index in migration 0002.
POSTGRES_DOCUMENT = "title || ' ' || problem || ' ' || solution || ' ' || impact"


def search_words(query: str) -> list[str]:
    return WORD.findall(query)[:12]


def _fts5_query(words: list[str]) -> str:
    """Each word quoted (so no FTS5 syntax gets through), the last one as a prefix."""
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def matches_search(session: Session, query: str) -> ColumnElement[bool] | None:
    """A WHERE clause for ideas matching every word of `query`, or None for an empty query."""
    words = search_words(query)
    if not words:
        return None
    if session.get_bind().dialect.name == "sqlite":
        matching = (
            select(literal_column("rowid"))
            .select_from(text("ideas_fts"))
            .where(text("ideas_fts MATCH :fts_query").bindparams(fts_query=_fts5_query(words)))
        )
        return Idea.id.in_(matching)
    document = func.to_tsvector(literal_column("'english'"), literal_column(POSTGRES_DOCUMENT))
    terms = " & ".join(f"{word}:*" for word in words)
    return document.op("@@")(func.to_tsquery(literal_column("'english'"), terms))
