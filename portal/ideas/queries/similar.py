"""Similar ideas: what the idea form shows while a title is typed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.ideas.models import VOTABLE_STATUSES, Idea, IdeaStatus
from portal.ideas.queries.viewer import viewer_voted, viewer_wrote
from portal.ideas.search import matches_search


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


def list_similar_ideas(
    session: Session, viewer_id: int, title: str, limit: int = 5
) -> list[SimilarIdea]:
    """Submitted ideas sharing words with a title being typed, most voted first."""
    search = matches_search(session, title)
    if search is None or len(title.strip()) < 4:
        return []
    rows = session.execute(
        select(
            Idea.id,
            Idea.title,
            Idea.status,
            Idea.vote_count,
            viewer_voted(Idea.id, viewer_id).label("voted"),
        )
        .where(search, Idea.status != IdeaStatus.DRAFT, Idea.status != IdeaStatus.DUPLICATE)
        .add_columns(viewer_wrote(Idea.author_id, Idea.id, viewer_id).label("own"))
        .order_by(Idea.vote_count.desc(), Idea.id.desc())
        .limit(limit)
    )
    return [SimilarIdea(**row._mapping) for row in rows]
