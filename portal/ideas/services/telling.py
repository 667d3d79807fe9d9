"""What the people of an idea are told: its authors in their own words ("your idea"), its
other followers as followers ("an idea you follow"), each naming who acted."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.ideas.models import Idea, IdeaCoAuthor, IdeaStatus
from portal.ideas.services.voting import follower_ids
from portal.notifications.services import notify

# "Your idea “X” was ... by Mona Manager".
STATUS_PASSIVE = {
    IdeaStatus.SUBMITTED: "sent back to submitted",
    IdeaStatus.UNDER_REVIEW: "taken under review",
    IdeaStatus.APPROVED: "approved",
    IdeaStatus.IN_PROGRESS: "put in progress",
    IdeaStatus.IMPLEMENTED: "marked implemented",
    IdeaStatus.DECLINED: "declined",
    IdeaStatus.DUPLICATE: "merged into an earlier idea",
}


def author_ids(session: Session, idea: Idea) -> set[int]:
    co_authors = session.scalars(
        select(IdeaCoAuthor.user_id).where(IdeaCoAuthor.idea_id == idea.id)
    )
    return {idea.author_id, *co_authors}


def tell_idea_people(
    session: Session,
    idea: Idea,
    actor_id: int,
    texts: tuple[str, str],
    link: str,
    *,
    base_url: str,
) -> None:
    """The first text to the authors, the second to the other followers; nobody is told
    twice, the actor never."""
    authors = author_ids(session, idea)
    others = set(follower_ids(session, idea.id)) - authors
    to_authors, to_followers = texts
    notify(session, authors, to_authors, link, base_url=base_url, actor_id=actor_id)
    notify(session, others, to_followers, link, base_url=base_url, actor_id=actor_id)


def status_texts(idea: Idea, status: IdeaStatus, actor_name: str) -> tuple[str, str]:
    done = f"was {STATUS_PASSIVE[status]} by {actor_name}"
    return f"Your idea “{idea.title}” {done}", f"“{idea.title}”, an idea you follow, {done}"


def comment_texts(idea: Idea, actor_name: str, what: str) -> tuple[str, str]:
    """`what` happened on the idea: "commented on", "gave the official response on"."""
    return (
        f"{actor_name} {what} your idea “{idea.title}”",
        f"{actor_name} {what} “{idea.title}”, an idea you follow",
    )
