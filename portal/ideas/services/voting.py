"""Votes and follows: one vote per person per idea, counted in SQL, never by the author."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.db import rows_changed, utcnow
from portal.core.errors import DomainError
from portal.ideas.models import Follow, Idea, IdeaCoAuthor, Vote, hot_score
from portal.ideas.rollups.counting import note_vote, recount_activity
from portal.ideas.services.shared import (
    find_visible_idea,
    insert_ignoring_duplicates,
)


def follow_all(session: Session, idea_id: int, user_ids: Iterable[int]) -> None:
    rows = [{"idea_id": idea_id, "user_id": user_id} for user_id in set(user_ids)]
    insert_ignoring_duplicates(session, Follow, rows)


def follower_ids(session: Session, idea_id: int) -> list[int]:
    return list(session.scalars(select(Follow.user_id).where(Follow.idea_id == idea_id)))


def move_vote_count(session: Session, idea_id: int, change: int) -> int:
    """Move the counter in SQL (never read-modify-write) and refresh the trending score.

    Callers lock the idea row first, so a concurrent status change (a merge into another
    idea, a decline) cannot slip between the status check and the vote.
    """
    counted = session.execute(
        update(Idea)
        .where(Idea.id == idea_id)
        .values(vote_count=Idea.vote_count + change)
        .returning(Idea.vote_count, Idea.submitted_at)
    ).one()
    # The UPDATE holds the row until commit, so this score matches the count just written.
    score = hot_score(counted.vote_count, counted.submitted_at)
    session.execute(update(Idea).where(Idea.id == idea_id).values(hot_score=score))
    return counted.vote_count


def _is_co_author(session: Session, idea_id: int, user_id: int) -> bool:
    return session.get(IdeaCoAuthor, (idea_id, user_id)) is not None


def cast_vote(session: Session, actor: User, idea_id: int) -> int:
    """Vote for an idea; voting twice changes nothing. Returns the new count."""
    idea = find_visible_idea(session, actor, idea_id, for_update=True)
    if idea.author_id == actor.id:
        raise DomainError("You cannot vote for your own idea.")
    if _is_co_author(session, idea_id, actor.id):
        raise DomainError("You cannot vote for an idea you co-wrote.")
    if not idea.open_for_votes:
        raise DomainError(f"This idea is {idea.status.label.lower()} and takes no more votes.")
    inserted = insert_ignoring_duplicates(
        session, Vote, [{"idea_id": idea_id, "voter_id": actor.id, "created_at": utcnow()}]
    )
    follow_all(session, idea_id, [actor.id])
    note_vote(session, idea_id, actor.id)
    count = move_vote_count(session, idea_id, 1) if inserted else idea.vote_count
    session.expire(idea)
    return count


def withdraw_vote(session: Session, actor: User, idea_id: int) -> int:
    """Take a vote back; withdrawing twice changes nothing. Returns the new count."""
    idea = find_visible_idea(session, actor, idea_id, for_update=True)
    if not idea.open_for_votes:
        raise DomainError(f"This idea is {idea.status.label.lower()}; its votes are final.")
    deleted = rows_changed(
        session, delete(Vote).where(Vote.idea_id == idea_id, Vote.voter_id == actor.id)
    )
    recount_activity(session, [actor.id] if deleted else [])
    count = move_vote_count(session, idea_id, -1) if deleted else idea.vote_count
    session.expire(idea)
    return count


def follow_idea(session: Session, actor: User, idea_id: int) -> None:
    find_visible_idea(session, actor, idea_id)
    follow_all(session, idea_id, [actor.id])


def unfollow_idea(session: Session, actor: User, idea_id: int) -> None:
    find_visible_idea(session, actor, idea_id)
    session.execute(delete(Follow).where(Follow.idea_id == idea_id, Follow.user_id == actor.id))
