"""What the pages ask about the person looking: did they vote for an idea, did they write it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, bindparam, exists, or_

from portal.ideas.models import IdeaCoAuthor, Vote

votes_table = Vote.__table__
co_authors_table = IdeaCoAuthor.__table__
# The viewer as a bound parameter, for statements built once and run for anyone.
VIEWER = bindparam("viewer_id", type_=Integer)


def viewer_voted(idea_id: Any, viewer: Any = VIEWER) -> ColumnElement[bool]:
    """Whether `viewer` voted for the idea `idea_id` names (a column of the outer query)."""
    return exists().where(votes_table.c.idea_id == idea_id, votes_table.c.voter_id == viewer)


def viewer_wrote(author_id: Any, idea_id: Any, viewer: Any = VIEWER) -> ColumnElement[bool]:
    """Whether `viewer` wrote the idea or is one of its co-authors."""
    return or_(
        author_id == viewer,
        exists().where(co_authors_table.c.idea_id == idea_id, co_authors_table.c.user_id == viewer),
    )
