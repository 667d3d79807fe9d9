"""Writing an idea: a draft or a submission, edited by its author until review starts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.db import rows_changed, utcnow
from portal.core.errors import Conflict, DomainError, Forbidden
from portal.ideas.models import (
    Campaign,
    Category,
    CustomerChannel,
    Idea,
    IdeaCoAuthor,
    IdeaEvent,
    IdeaStatus,
    Vote,
    hot_score,
)
from portal.ideas.rollups.counting import count_submission, keys_of, move_idea, recount_activity
from portal.ideas.rules import EDITABLE_STATUSES, route_review
from portal.ideas.services.shared import find_idea
from portal.ideas.services.voting import follow_all, move_vote_count

MAX_CO_AUTHORS = 5


@dataclass(frozen=True)
class IdeaInput:
    title: str
    problem: str = ""
    solution: str = ""
    impact: str = ""
    channel: CustomerChannel | None = None
    category_id: int | None = None
    co_author_emails: tuple[str, ...] = ()
    campaign_id: int | None = None


def _check_complete(data: IdeaInput) -> None:
    required = [
        ("problem", data.problem, "Describe the customer problem."),
        ("solution", data.solution, "Describe the solution you propose."),
        ("impact", data.impact, "Say what it would change for customers."),
    ]
    for field, value, message in required:
        if not value.strip():
            raise DomainError(message, field=field)
    if data.channel is None:
        raise DomainError("Choose the customer channel.", field="channel")
    if data.category_id is None:
        raise DomainError("Choose a category.", field="category")


def _check_title(data: IdeaInput) -> None:
    if len(data.title.strip()) < 5:
        raise DomainError("Give the idea a title of at least 5 characters.", field="title")


def _check_category(session: Session, category_id: int | None) -> None:
    if category_id is None:
        return
    category = session.get(Category, category_id)
    if category is None or not category.active:
        raise DomainError("Choose a category from the list.", field="category")


def _check_campaign(session: Session, author: User, idea: Idea, campaign_id: int | None) -> None:
    if campaign_id is None or campaign_id == idea.campaign_id:
        return
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or not campaign.is_open_on(utcnow().date()):
        raise DomainError("That campaign is not open for ideas.", field="campaign")
    if campaign.department_id not in (None, author.department_id):
        raise DomainError("That campaign is for another department.", field="campaign")


def _co_authors(session: Session, author: User, emails: Iterable[str]) -> list[User]:
    wanted = {email.strip().lower() for email in emails if email.strip()}
    if not wanted:
        return []
    if len(wanted) > MAX_CO_AUTHORS:
        raise DomainError(f"Name at most {MAX_CO_AUTHORS} co-authors.", field="co_authors")
    found = list(session.scalars(select(User).where(User.email.in_(wanted), User.active.is_(True))))
    missing = wanted - {user.email for user in found}
    if missing:
        raise DomainError(
            f"No colleague has the email {', '.join(sorted(missing))}.", field="co_authors"
        )
    if any(user.id == author.id for user in found):
        raise DomainError("You are already the author.", field="co_authors")
    return found


def _checked_co_authors(session: Session, idea: Idea, author: User, data: IdeaInput) -> list[User]:
    """Every check of the input, before anything is written; returns the co-authors named."""
    _check_title(data)
    _check_category(session, data.category_id)
    _check_campaign(session, author, idea, data.campaign_id)
    return _co_authors(session, author, data.co_author_emails)


def _apply_input(session: Session, idea: Idea, co_authors: list[User], data: IdeaInput) -> None:
    idea.title = data.title.strip()
    idea.problem = data.problem.strip()
    idea.solution = data.solution.strip()
    idea.impact = data.impact.strip()
    idea.channel = data.channel
    idea.category_id = data.category_id
    idea.campaign_id = data.campaign_id
    idea.updated_at = utcnow()
    session.flush()
    session.execute(delete(IdeaCoAuthor).where(IdeaCoAuthor.idea_id == idea.id))
    session.add_all(IdeaCoAuthor(idea_id=idea.id, user_id=user.id) for user in co_authors)
    session.flush()
    if idea.status is not IdeaStatus.DRAFT:
        follow_all(session, idea.id, [user.id for user in co_authors])
        _drop_own_votes(session, idea, [user.id for user in co_authors])
        route_review(session, idea)


def _drop_own_votes(session: Session, idea: Idea, co_author_ids: list[int]) -> None:
    """Someone named a co-author after voting no longer votes for what is now their own idea."""
    if not co_author_ids:
        return
    dropped = rows_changed(
        session, delete(Vote).where(Vote.idea_id == idea.id, Vote.voter_id.in_(co_author_ids))
    )
    recount_activity(session, co_author_ids if dropped else [])
    if dropped:
        move_vote_count(session, idea.id, -dropped)
        session.expire(idea, ["vote_count", "hot_score"])


def _submit(session: Session, actor: User, idea: Idea) -> None:
    now = utcnow()
    idea.status = IdeaStatus.SUBMITTED
    idea.submitted_at = now
    idea.last_activity_at = now
    idea.department_id = actor.department_id
    idea.hot_score = hot_score(idea.vote_count, now)
    session.add(
        IdeaEvent(
            idea_id=idea.id,
            actor_id=actor.id,
            from_status=IdeaStatus.DRAFT,
            to_status=IdeaStatus.SUBMITTED,
            created_at=now,
        )
    )
    co_author_ids = session.scalars(
        select(IdeaCoAuthor.user_id).where(IdeaCoAuthor.idea_id == idea.id)
    )
    follow_all(session, idea.id, [actor.id, *co_author_ids])
    route_review(session, idea)
    session.flush()
    count_submission(session, idea)


def submit_idea(session: Session, actor: User, data: IdeaInput, *, draft: bool = False) -> Idea:
    """A new idea, submitted for review or kept as the author's draft."""
    if not draft:
        _check_complete(data)
    idea = Idea(title=data.title.strip(), author_id=actor.id, status=IdeaStatus.DRAFT)
    # Checked before the idea joins the session: a refused idea must leave nothing to commit.
    co_authors = _checked_co_authors(session, idea, actor, data)
    session.add(idea)
    _apply_input(session, idea, co_authors, data)
    if not draft:
        _submit(session, actor, idea)
    return idea


def update_idea(
    session: Session, actor: User, idea_id: int, data: IdeaInput, *, submit: bool = False
) -> Idea:
    """The author edits until review starts; `submit` sends a draft for review."""
    idea = find_idea(session, idea_id, for_update=True)
    if idea.author_id != actor.id:
        raise Forbidden("Only the author can edit this idea.")
    if idea.status not in EDITABLE_STATUSES:
        raise Conflict("Review has started, so the idea can no longer be edited.")
    if submit or idea.status is not IdeaStatus.DRAFT:
        _check_complete(data)
    counted = keys_of(idea)
    _apply_input(session, idea, _checked_co_authors(session, idea, actor, data), data)
    move_idea(session, counted, idea)
    if submit and idea.status is IdeaStatus.DRAFT:
        _submit(session, actor, idea)
    elif idea.status is not IdeaStatus.DRAFT:
        idea.last_activity_at = utcnow()
    session.flush()
    return idea
