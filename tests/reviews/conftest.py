"""Shared review-test fixtures, and ideas inserted as they stand after their whole story."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.db import utcnow
from portal.ideas.models import Idea, IdeaCoAuthor, IdeaEvent, IdeaStatus, Impact, Vote
from tests.recognition.conftest import (  # noqa: F401 - shared fixtures for review tests
    cycle,
    org,
    quarterly,
    spot,
)

NOW = utcnow()
LONG_AGO = NOW - timedelta(days=90)


def add_idea(
    db: Session,
    author: User,
    title: str,
    *,
    submitted_at: datetime | None = NOW,
    implemented_at: datetime | None = None,
    co_authors: Iterable[User] = (),
    voters: Iterable[User] = (),
    voted_at: datetime = NOW,
) -> Idea:
    """Insert an idea as it would stand after submitting, voting and implementing."""
    voters = list(voters)
    status = IdeaStatus.SUBMITTED if submitted_at else IdeaStatus.DRAFT
    idea = Idea(
        title=title,
        author_id=author.id,
        status=IdeaStatus.IMPLEMENTED if implemented_at else status,
        submitted_at=submitted_at,
        vote_count=len(voters),
    )
    db.add(idea)
    db.flush()
    db.add_all(IdeaCoAuthor(idea_id=idea.id, user_id=person.id) for person in co_authors)
    db.add_all(Vote(idea_id=idea.id, voter_id=person.id, created_at=voted_at) for person in voters)
    if implemented_at:
        db.add(
            IdeaEvent(
                idea_id=idea.id,
                actor_id=author.id,
                from_status=IdeaStatus.IN_PROGRESS,
                to_status=IdeaStatus.IMPLEMENTED,
                created_at=implemented_at,
            )
        )
        db.add(
            Impact(
                idea_id=idea.id,
                what_was_done="Call backs offered when the queue is long.",
                measure="Average hold time",
                unit="seconds",
                before=Decimal("1200"),
                after=Decimal("240.5"),
                measured_on=implemented_at.date(),
                recorded_by_id=author.id,
            )
        )
    db.commit()
    return idea
