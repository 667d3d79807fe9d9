"""The demo starts full and believable: months of ideas in every status, awards on the wall and
leaderboards, nominations waiting for the demo manager and director, a closed cycle with
frozen packets, and the accounts of the UI contract with their roles."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from portal.accounts.models import Role, User
from portal.core.db import utcnow
from portal.demo.load import load_demo_data
from portal.ideas.models import Comment, Idea, IdeaStatus, Impact, Vote
from portal.recognition.models import ApprovalStep, Nomination, NominationStatus
from portal.reviews.models import ReviewCycle, ReviewPacket


def count(db, model, *where) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where))


def test_the_demo_is_full_and_believable(db):
    load_demo_data(db)
    db.commit()
    statuses = set(db.scalars(select(Idea.status)))
    assert statuses == set(IdeaStatus) - {IdeaStatus.DRAFT}
    for idea in db.scalars(select(Idea)):
        assert idea.vote_count == count(db, Vote, Vote.idea_id == idea.id)
    implemented = count(db, Idea, Idea.status == IdeaStatus.IMPLEMENTED)
    assert count(db, Impact) == implemented >= 4
    oldest = db.scalar(select(func.min(Idea.submitted_at)))
    assert utcnow() - oldest > timedelta(days=180)  # several months of ideas
    assert count(db, Comment, Comment.official.is_(True)) >= 2

    approved = count(db, Nomination, Nomination.status == NominationStatus.APPROVED)
    assert approved >= 10
    recent = utcnow() - timedelta(days=30)
    assert count(db, Nomination, Nomination.decided_at >= recent) >= 3  # this month's board
    assert count(db, Nomination, Nomination.status == NominationStatus.FLAGGED) == 1

    people = {user.email: user for user in db.scalars(select(User))}
    for email, waiting in (("manager@example.com", 2), ("director@example.com", 2)):
        steps = count(
            db,
            ApprovalStep,
            ApprovalStep.approver_id == people[email].id,
            ApprovalStep.level == Nomination.current_level,
            ApprovalStep.nomination_id == Nomination.id,
            Nomination.status == NominationStatus.PENDING,
        )
        assert steps == waiting, email

    closed = db.scalars(select(ReviewCycle).where(ReviewCycle.closed_at.is_not(None))).one()
    assert count(db, ReviewPacket, ReviewPacket.cycle_id == closed.id) == len(people)
    assert count(db, ReviewCycle, ReviewCycle.closed_at.is_(None)) == 1

    roles = {email: people[email].role for email in people if not email.startswith("lead.")}
    assert roles["admin@example.com"] is Role.ADMIN
    assert roles["director@example.com"] is Role.MANAGER
    assert roles["manager@example.com"] is Role.MANAGER
    assert people["manager@example.com"].manager_id == people["director@example.com"].id
    assert roles["employee@example.com"] is Role.EMPLOYEE
    assert roles["colleague@example.com"] is Role.EMPLOYEE
