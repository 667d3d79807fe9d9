"""Full-text search over ideas: SQLite FTS5 or a PostgreSQL tsvector, behind one function."""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, String, bindparam, func, literal_column, select, text
from sqlalchemy.orm import Session

from portal.ideas.models import Idea

WORD = re.compile(r"\w+", re.UNICODE)
# Must stay identical to the expression of the GIN index in migration 0002.
POSTGRES_DOCUMENT = "title || ' ' || problem || ' ' || solution || ' ' || impact"
SEARCH_TERMS = "search_terms"


def search_words(query: str) -> list[str]:
    return WORD.findall(query)[:12]


def _fts5_query(words: list[str]) -> str:
    """Each word quoted (so no FTS5 syntax gets through), the last one as a prefix."""
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def search_terms(dialect: str, query: str) -> str | None:
    """The value of the `search_terms` parameter for `query`, or None when it has no words."""
    words = search_words(query)
    if not words:
        return None
    if dialect == "sqlite":
        return _fts5_query(words)
    return " & ".join(f"{word}:*" for word in words)


def match_condition(dialect: str, value: str | None = None) -> ColumnElement[bool]:
    """Ideas matching the parameter `search_terms`: `value`, or given when it is executed."""
    terms = bindparam(SEARCH_TERMS, value, type_=String)
    if dialect == "sqlite":
        matching = (
            select(literal_column("rowid"))
            .select_from(text("ideas_fts"))
            .where(literal_column("ideas_fts").op("MATCH")(terms))
        )
        return Idea.__table__.c.id.in_(matching)
    document = func.to_tsvector(literal_column("'english'"), literal_column(POSTGRES_DOCUMENT))
    return document.op("@@")(func.to_tsquery(literal_column("'english'"), terms))


def matches_search(session: Session, query: str) -> ColumnElement[bool] | None:
    """A WHERE clause for ideas matching every word of `query`, or None for an empty query."""
    dialect = session.get_bind().dialect.name
    terms = search_terms(dialect, query)
    if terms is None:
        return None
    return match_condition(dialect, terms)
