"""The reviewers' queue: ideas waiting for this reviewer, oldest first, saying why an idea
came to them when its own department's managers wrote it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from portal.accounts.models import Department, Role, User
from portal.core.db import utcnow
from portal.core.pagination import Page, beyond, decode_timestamp_cursor, page_from_rows
from portal.ideas.models import Idea, IdeaStatus
from portal.ideas.queries.viewer import co_authors_table, viewer_wrote

QUEUE_STATUSES = (IdeaStatus.SUBMITTED, IdeaStatus.UNDER_REVIEW)


@dataclass(frozen=True)
class QueueItem:
    idea: Idea
    author: str
    department: str | None
    waiting: timedelta
    overdue: bool
    # Why it is in this queue when its author could have reviewed it: nobody reviews their own.
    routed: str | None = None


def _queue_walk(
    status: IdeaStatus, reviewer: User, key: tuple[datetime, int] | None, limit: int
) -> Select[Any]:
    """The next ideas of one status in queue order: an ordered walk of (status, submitted_at).

    Everyone's own ideas are left out: nobody reviews what they wrote (rules.can_review).
    """
    query = (
        select(Idea.id)
        .where(Idea.status == status, ~viewer_wrote(Idea.author_id, Idea.id, reviewer.id))
        .order_by(Idea.submitted_at, Idea.id)
        .limit(limit)
    )
    if not reviewer.is_admin:
        theirs = Idea.routed_reviewer_id == reviewer.id
        if reviewer.department_id is not None:
            theirs = or_(Idea.department_id == reviewer.department_id, theirs)
        query = query.where(theirs)
    if key is not None:
        query = query.where(beyond([Idea.submitted_at, Idea.id], key))
    return select(query.subquery().c.id)


def _reviews_by_role(writer: Any) -> ColumnElement[bool]:
    return and_(
        writer.active.is_(True),
        or_(
            writer.role == Role.ADMIN,
            and_(writer.role == Role.MANAGER, writer.department_id == Idea.department_id),
        ),
    )


def _written_by_a_reviewer() -> ColumnElement[bool]:
    """Whether the idea's author or a co-author reviews it by role (an admin, or a manager of
    its department: rules.reviews_by_role), so it went to another reviewer.

    Two EXISTS, each correlated to the page's idea and read by key (the author's row; the
    idea's co-author rows): a co-author list nested in the writer's EXISTS would not see the
    outer idea and would read every idea's co-authors.
    """
    author = aliased(User)
    co_author = aliased(User)
    by_author = exists().where(author.id == Idea.author_id, _reviews_by_role(author))
    by_co_author = exists().where(
        co_authors_table.c.idea_id == Idea.id,
        co_author.id == co_authors_table.c.user_id,
        _reviews_by_role(co_author),
    )
    return or_(by_author, by_co_author)


def _routed_note(
    viewer: User, idea: Idea, routed_name: str | None, department: str | None, by_reviewer: bool
) -> str | None:
    where = department or "its department"
    if idea.routed_reviewer_id == viewer.id:
        return f"Routed to you, the manager above: every manager of {where} wrote it."
    if routed_name is not None:
        return f"Routed to {routed_name}, the manager above: every manager of {where} wrote it."
    if by_reviewer:
        return "Routed to you: one of its reviewers wrote it, and nobody reviews their own idea."
    return None


def list_review_queue(
    session: Session,
    reviewer: User,
    *,
    target_days: int,
    cursor: str | None = None,
    limit: int = 25,
) -> Page[QueueItem]:
    """Ideas waiting for this reviewer, oldest first, one statement a page.

    Each open status is walked in index order and only the page's worth of each is merged
    and sorted, so the page costs the same however many ideas are waiting.
    """
    key = decode_timestamp_cursor(cursor)
    walks = [_queue_walk(status, reviewer, key, limit + 1) for status in QUEUE_STATUSES]
    page_ids = union_all(*walks).subquery()
    routed = aliased(User)
    query = (
        select(
            Idea,
            User.display_name.label("author"),
            Department.name.label("department"),
            routed.display_name.label("routed_name"),
            _written_by_a_reviewer().label("by_reviewer"),
        )
        .join(User, Idea.author_id == User.id)
        .outerjoin(Department, Idea.department_id == Department.id)
        .outerjoin(routed, Idea.routed_reviewer_id == routed.id)
        .where(Idea.id.in_(select(page_ids.c.id)))
        .order_by(Idea.submitted_at, Idea.id)
        .limit(limit + 1)
    )
    now = utcnow()
    target = timedelta(days=target_days)
    items = []
    for row in session.execute(query):
        idea = row.Idea
        waiting = now - idea.submitted_at
        items.append(
            QueueItem(
                idea=idea,
                author=row.author,
                department=row.department,
                waiting=waiting,
                overdue=idea.first_response_at is None and waiting > target,
                routed=_routed_note(
                    reviewer, idea, row.routed_name, row.department, row.by_reviewer
                ),
            )
        )
    return page_from_rows(items, limit, lambda item: (item.idea.submitted_at, item.idea.id))
