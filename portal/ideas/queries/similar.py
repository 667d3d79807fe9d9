"""Similar ideas: what the idea form shows while a title or problem is typed, and what it asks
about before posting an idea that may already exist.

Ideas match when they share at least two significant words (stemmed: "reminder" finds
"reminders") of the title and problem typed, or all of them when only one was typed; on
PostgreSQL a title that is close letter by letter (pg_trgm) matches too. The best five come
first: SQLite ranks by FTS5's bm25 with the title weighing more than the problem, PostgreSQL
by `ts_rank` of a title-weighted document plus the titles' trigram similarity.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnClause,
    Float,
    Select,
    String,
    bindparam,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session

from portal.ideas.models import VOTABLE_STATUSES, Idea, IdeaStatus
from portal.ideas.queries.viewer import viewer_voted, viewer_wrote
from portal.ideas.search import WORD

SIMILAR_LIMIT = 5
MAX_TERMS = 8
CLOSE_TITLE = 0.45
# The Snowball English stop words (PostgreSQL's `english` configuration drops the same), so
# that "the" or "before" never makes two ideas look alike.
_STOP_WORDS = """a about above after again against all am an and any are as at be because been
    before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves us also get"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class SimilarIdea:
    id: int
    title: str
    status: IdeaStatus
    vote_count: int
    voted: bool
    own: bool

    @property
    def open_for_votes(self) -> bool:
        return self.status in VOTABLE_STATUSES


def similar_terms(title: str, problem: str = "") -> list[str]:
    """The significant words typed, title first, lower case, each once, at most eight."""
    terms: list[str] = []
    for word in WORD.findall(f"{title} {problem[:500]}".lower()):
        if len(word) > 1 and word not in STOP_WORDS and not word.isdigit() and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def _groups(terms: list[str]) -> list[tuple[str, ...]]:
    """Every pair of terms (an idea must hold both words of one pair), or the one term."""
    return list(combinations(terms, 2)) if len(terms) > 1 else [tuple(terms)]


def _fts5_query(terms: list[str]) -> str:
    return " OR ".join(
        "(" + " AND ".join(f'"{term}"*' for term in group) + ")" for group in _groups(terms)
    )


def _tsquery(terms: list[str]) -> str:
    return " | ".join(
        "(" + " & ".join(f"{term}:*" for term in group) + ")" for group in _groups(terms)
    )


def _sqlite_ranked(query: str) -> tuple[Select[Any], Any]:
    """(rowid, rank) of the matches, best first (bm25 is lower for better matches)."""
    matches = (
        select(
            literal_column("rowid").label("id"),
            literal_column("bm25(ideas_fts_similar, 10.0, 3.0)", Float).label("rank"),
        )
        .select_from(text("ideas_fts_similar"))
        .where(literal_column("ideas_fts_similar").op("MATCH")(bindparam("similar", query)))
        .subquery()
    )
    return select(matches.c.id).join(Idea, Idea.id == matches.c.id), matches.c.rank


def _postgres_ranked(query: str, title: str) -> tuple[Select[Any], Any]:
    document: ColumnClause[Any] = literal_column("ideas.search_document_similar")
    tsquery = func.to_tsquery(literal_column("'english'"), bindparam("similar", query))
    typed_title: BindParameter[str] = bindparam("similar_title", title, type_=String)
    score = func.ts_rank(document, tsquery) + func.similarity(Idea.title, typed_title)
    # `%` (similarity of 0.3 and up) can use the trigram index; 0.3 still pairs titles that
    # share one long word, so a close title must pass CLOSE_TITLE as well.
    close_title = Idea.title.op("%")(typed_title) & (
        func.similarity(Idea.title, typed_title) >= CLOSE_TITLE
    )
    found = select(Idea.id).where(document.op("@@")(tsquery) | close_title)
    return found, -score


def list_similar_ideas(
    session: Session,
    viewer_id: int,
    title: str,
    problem: str = "",
    *,
    exclude_id: int | None = None,
    limit: int = SIMILAR_LIMIT,
) -> list[SimilarIdea]:
    """Submitted ideas most like the title and problem typed, best first, in one statement."""
    terms = similar_terms(title, problem)
    if not terms or len(f"{title} {problem}".strip()) < 4:
        return []
    if session.get_bind().dialect.name == "sqlite":
        found, rank = _sqlite_ranked(_fts5_query(terms))
    else:
        found, rank = _postgres_ranked(_tsquery(terms), title.strip())
    query = found.add_columns(
        Idea.title,
        Idea.status,
        Idea.vote_count,
        viewer_voted(Idea.id, viewer_id).label("voted"),
        viewer_wrote(Idea.author_id, Idea.id, viewer_id).label("own"),
    ).where(Idea.status != IdeaStatus.DRAFT, Idea.status != IdeaStatus.DUPLICATE)
    if exclude_id is not None:
        query = query.where(Idea.id != exclude_id)
    rows = session.execute(
        query.order_by(rank, Idea.vote_count.desc(), Idea.id.desc()).limit(limit)
    )
    return [SimilarIdea(**row._mapping) for row in rows]
