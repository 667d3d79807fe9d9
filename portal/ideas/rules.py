"""The rules of ideas that are data: the state table, and who may review an idea.

Services, queries, forms and the demo generator read them from here; nothing copies them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.accounts.queries import managers_above
from portal.core.errors import Forbidden
from portal.ideas.models import Idea, IdeaCoAuthor, IdeaStatus

# The one table of allowed moves. Drafts leave only through submit_idea (the author's act).
TRANSITIONS: dict[IdeaStatus, frozenset[IdeaStatus]] = {
    IdeaStatus.DRAFT: frozenset({IdeaStatus.SUBMITTED}),
    IdeaStatus.SUBMITTED: frozenset(
        {IdeaStatus.UNDER_REVIEW, IdeaStatus.DECLINED, IdeaStatus.DUPLICATE}
    ),
    IdeaStatus.UNDER_REVIEW: frozenset(
        {IdeaStatus.APPROVED, IdeaStatus.DECLINED, IdeaStatus.DUPLICATE}
    ),
    IdeaStatus.APPROVED: frozenset({IdeaStatus.IN_PROGRESS, IdeaStatus.DECLINED}),
    IdeaStatus.IN_PROGRESS: frozenset({IdeaStatus.IMPLEMENTED, IdeaStatus.DECLINED}),
    IdeaStatus.IMPLEMENTED: frozenset(),
    IdeaStatus.DECLINED: frozenset({IdeaStatus.UNDER_REVIEW}),
    IdeaStatus.DUPLICATE: frozenset(),
}
# The statuses a reviewer may choose, in the order the review form offers them.
REVIEW_STATUSES: tuple[IdeaStatus, ...] = tuple(
    status for status in IdeaStatus if status is not IdeaStatus.DRAFT
)
# The author edits until review starts.
EDITABLE_STATUSES = frozenset({IdeaStatus.DRAFT, IdeaStatus.SUBMITTED})
# The moves that answer the author: the first one sets the idea's decision time.
DECISIONS = frozenset({IdeaStatus.APPROVED, IdeaStatus.DECLINED, IdeaStatus.DUPLICATE})


def next_statuses(status: IdeaStatus) -> list[IdeaStatus]:
    """What a reviewer may move an idea in `status` to, in the review form's order."""
    return [choice for choice in REVIEW_STATUSES if choice in TRANSITIONS[status]]


# --- who reviews --------------------------------------------------------------------------


def reviews_by_role(user: User, idea: Idea) -> bool:
    """Admins, managers of the idea's department and the manager it was routed to review it;
    can_review then leaves out whoever wrote it."""
    if user.is_admin:
        return True
    return user.is_manager and (
        (idea.department_id is not None and user.department_id == idea.department_id)
        or idea.routed_reviewer_id == user.id
    )


def author_ids(session: Session, idea: Idea) -> set[int]:
    """The author and the co-authors: nobody reviews their own idea."""
    co_authors = session.scalars(
        select(IdeaCoAuthor.user_id).where(IdeaCoAuthor.idea_id == idea.id)
    )
    return {idea.author_id, *co_authors}


def can_review(session: Session, user: User, idea: Idea) -> bool:
    return reviews_by_role(user, idea) and user.id not in author_ids(session, idea)


def check_reviewer(session: Session, actor: User, idea: Idea, doing: str) -> None:
    """Refuses anyone but the idea's reviewers, naming who reviews it when its author asks."""
    if idea.status is IdeaStatus.DRAFT or not reviews_by_role(actor, idea):
        raise Forbidden(f"Only the idea's reviewers can {doing}.")
    if actor.id in author_ids(session, idea):
        wrote = "wrote" if actor.id == idea.author_id else "co-wrote"
        raise Forbidden(
            f"You {wrote} this idea, so you cannot {doing}: another manager of its "
            "department, the manager above its author or an admin reviews it."
        )


# --- where it goes when its reviewers wrote it --------------------------------------------


def needs_routing(department_reviewers: set[int], authors: set[int]) -> bool:
    """Whether every manager of the idea's department wrote it (a department without
    managers is left to the admins)."""
    return bool(department_reviewers) and department_reviewers <= authors


def reviewer_above(chain: Iterable[tuple[int, bool, Role]], authors: set[int]) -> int | None:
    """The nearest active manager in the author's chain (id, active, role; nearest first) who
    did not write the idea; None leaves it to the admins who did not write it."""
    return next(
        (
            person_id
            for person_id, active, role in chain
            if active and role.rank >= Role.MANAGER.rank and person_id not in authors
        ),
        None,
    )


def route_review(session: Session, idea: Idea) -> None:
    """When every manager of the idea's department wrote it, route it up.

    It goes to the nearest active manager above its author who did not write it, in any
    department; without one, the admins who did not write it review it (as they may any idea).
    """
    idea.routed_reviewer_id = None
    if idea.department_id is None:
        return
    department_reviewers = set(
        session.scalars(
            select(User.id).where(
                User.department_id == idea.department_id,
                User.active.is_(True),
                User.role.in_([Role.MANAGER, Role.ADMIN]),
            )
        )
    )
    authors = author_ids(session, idea)
    if needs_routing(department_reviewers, authors):
        idea.routed_reviewer_id = reviewer_above(managers_above(session, idea.author_id), authors)
