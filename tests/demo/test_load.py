from __future__ import annotations

from sqlalchemy import func, select

from portal.demo.load import load_demo_data
from portal.ideas.models import Idea, IdeaStatus, Impact, Vote


def test_demo_ideas_cover_every_status_with_exact_counts(db):
    load_demo_data(db)
    db.commit()
    statuses = set(db.scalars(select(Idea.status)))
    assert statuses == set(IdeaStatus) - {IdeaStatus.DRAFT}
    assert db.scalar(select(func.count()).select_from(Impact)) == 1
    for idea in db.scalars(select(Idea)):
        votes = db.scalar(select(func.count()).select_from(Vote).where(Vote.idea_id == idea.id))
        assert idea.vote_count == votes
