"""The review queue: open ideas of the reviewer's department, oldest first, page by page."""

from __future__ import annotations

from datetime import timedelta

from portal.accounts.models import Role
from portal.core.db import utcnow
from portal.ideas.models import IdeaStatus
from portal.ideas.queries.review_queue import list_review_queue

STATUSES = [
    IdeaStatus.SUBMITTED,
    IdeaStatus.UNDER_REVIEW,
    IdeaStatus.UNDER_REVIEW,
    IdeaStatus.DECLINED,
    IdeaStatus.SUBMITTED,
]


def queue_ids(db, reviewer, limit: int) -> list[int]:
    ids, cursor = [], None
    while True:
        page = list_review_queue(db, reviewer, target_days=7, cursor=cursor, limit=limit)
        ids += [item.idea.id for item in page.items]
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor


def test_the_queue_merges_both_open_statuses_oldest_first_across_pages(
    db, make_user, make_idea, employee
) -> None:
    start = utcnow() - timedelta(days=30)
    ideas = []
    # Submitted newest first, so queue order differs from id order and from status order.
    for number in range(12):
        idea = make_idea(employee, f"Idea number {number}")
        idea.status = STATUSES[number % len(STATUSES)]
        idea.submitted_at = start + timedelta(hours=12 - number)
        ideas.append(idea)
    elsewhere = make_idea(make_user(department="Claims"), "Another department")
    db.commit()
    expected = [
        idea.id
        for idea in sorted(ideas, key=lambda idea: (idea.submitted_at, idea.id))
        if idea.status in (IdeaStatus.SUBMITTED, IdeaStatus.UNDER_REVIEW)
    ]
    manager = make_user(role=Role.MANAGER)
    admin = make_user(role=Role.ADMIN)
    for limit in (2, 3, 25):
        assert queue_ids(db, manager, limit) == expected
    assert elsewhere.id in queue_ids(db, admin, 4)
    assert set(queue_ids(db, admin, 4)) == {*expected, elsewhere.id}
