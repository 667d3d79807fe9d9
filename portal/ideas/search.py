"""Full-text search over ideas: SQLite FTS5 or a PostgreSQL tsvector, behind one function."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Select,
    String,
    bindparam,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session

from portal.ideas.models import Idea

WORD = re.compile(r"\w+", re.UNICODE)
# PostgreSQL's stored tsvector of an idea's texts (migration 0006), with a GIN index. The models
# leave it out, so it is named here; reading it costs no `to_tsvector` call per idea.
POSTGRES_DOCUMENT: ColumnClause[Any] = literal_column("ideas.search_document")
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


def _fts5_matches(terms: ColumnElement[str]) -> Select[Any]:
    return (
        select(literal_column("rowid"))
        .select_from(text("ideas_fts"))
        .where(literal_column("ideas_fts").op("MATCH")(terms))
    )


# SQLite's planner cannot tell how many ideas a search matches, so it always looks up every
# match and sorts them all (5 ms for a word in 3,808 of 20,000 ideas). From this many
# matches on, the feed instead walks its sort order and keeps the ideas found in the set of
# matches, stopping at a page (0.7 ms); below it, sorting the few matches is cheaper than a
# walk that may pass over most ideas. PostgreSQL plans by its own estimate, which for a
# prefix (`word:*`) is about 2% of ideas whatever the word, so it always walks (README).
MANY_MATCHES = 500
COUNT_MATCHES_UP_TO_MANY = select(func.count()).select_from(
    _fts5_matches(bindparam(SEARCH_TERMS, type_=String)).limit(MANY_MATCHES).subquery()
)


def walks_sort_order(session: Session, dialect: str, terms: str) -> bool:
    """Whether the feed should walk its sort order for this search (SQLite, many matches)."""
    if dialect != "sqlite":
        return False
    matches = session.execute(COUNT_MATCHES_UP_TO_MANY, {SEARCH_TERMS: terms}).scalar_one()
    return matches >= MANY_MATCHES


def match_condition(
    dialect: str, value: str | None = None, *, walk: bool = False
) -> ColumnElement[bool]:
    """Ideas matching the parameter `search_terms`: `value`, or given when it is executed.

    `walk` (SQLite) keeps the id out of the index choice, so the planner reads ideas in the
    sort's index order and checks each against the matches, built once.
    """
    terms = bindparam(SEARCH_TERMS, value, type_=String, literal_execute=True)
    if dialect == "sqlite":
        idea_id = literal_column("+ideas.id") if walk else Idea.__table__.c.id
        return idea_id.in_(_fts5_matches(terms))
    return POSTGRES_DOCUMENT.op("@@")(func.to_tsquery(literal_column("'english'"), terms))


def matches_search(session: Session, query: str) -> ColumnElement[bool] | None:
    """A WHERE clause for ideas matching every word of `query`, or None for an empty query."""
    dialect = session.get_bind().dialect.name
    terms = search_terms(dialect, query)
    if terms is None:
        return None
    return match_condition(dialect, terms)
