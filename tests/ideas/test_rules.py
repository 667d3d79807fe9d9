"""The rules as data: the review form follows the state table, and the routing of an idea
whose department's managers all wrote it."""

from __future__ import annotations

from portal.accounts.models import Role
from portal.ideas.models import IdeaStatus
from portal.ideas.rules import (
    REVIEW_STATUSES,
    TRANSITIONS,
    needs_routing,
    next_statuses,
    reviewer_above,
)


def test_the_review_form_offers_exactly_the_allowed_moves_in_its_order():
    for status in IdeaStatus:
        offered = next_statuses(status)
        assert set(offered) == TRANSITIONS[status]
        assert offered == sorted(offered, key=REVIEW_STATUSES.index)
    assert next_statuses(IdeaStatus.SUBMITTED) == [
        IdeaStatus.UNDER_REVIEW,
        IdeaStatus.DECLINED,
        IdeaStatus.DUPLICATE,
    ]


def test_an_idea_is_routed_only_when_every_manager_of_its_department_wrote_it():
    assert needs_routing({1}, {1, 2})
    assert needs_routing({1, 2}, {1, 2})
    assert not needs_routing({1, 3}, {1, 2})
    assert not needs_routing(set(), {1})  # no managers: the admins review it


def test_it_goes_to_the_nearest_active_manager_above_who_did_not_write_it():
    chain = [
        (10, True, Role.EMPLOYEE),
        (11, False, Role.MANAGER),
        (12, True, Role.MANAGER),
        (13, True, Role.ADMIN),
    ]
    assert reviewer_above(chain, {1}) == 12
    assert reviewer_above(chain, {1, 12}) == 13
    assert reviewer_above(chain, {1, 12, 13}) is None
