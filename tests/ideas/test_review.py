from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.core.audit import AuditEntry
from portal.core.db import ImmutableRowError
from portal.core.errors import DomainError, Forbidden
from portal.ideas.models import Follow, IdeaCoAuthor, IdeaEvent, IdeaStatus, Impact, Vote
from portal.ideas.rules import TRANSITIONS
from portal.ideas.services.reviewing import ImpactInput, TransitionInput, transition_idea
from portal.ideas.services.voting import cast_vote
from portal.notifications.models import Notification
from tests.ideas.conftest import BASE_URL


def move(db, actor, idea, status, **kwargs):
    event = transition_idea(
        db, actor, idea.id, TransitionInput(status, **kwargs), base_url=BASE_URL
    )
    db.commit()
    return event


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer@example.com", role=Role.MANAGER)


def test_a_move_appends_an_event_and_tells_author_and_followers(
    db, employee, make_user, make_idea, reviewer
):
    idea = make_idea(employee)
    voter = make_user()
    cast_vote(db, voter, idea.id)
    db.commit()
    event = move(db, reviewer, idea, IdeaStatus.UNDER_REVIEW, note="Looking at it")
    assert (event.from_status, event.to_status, event.note) == (
        IdeaStatus.SUBMITTED,
        IdeaStatus.UNDER_REVIEW,
        "Looking at it",
    )
    db.refresh(idea)
    assert idea.status is IdeaStatus.UNDER_REVIEW
    assert idea.first_response_at is not None
    told = set(db.scalars(select(Notification.user_id)))
    assert told == {employee.id, voter.id}
    assert db.scalars(select(AuditEntry.action)).all() == ["idea_status_changed"]


def test_the_table_forbids_jumps(db, employee, make_idea, reviewer):
    idea = make_idea(employee)
    with pytest.raises(DomainError, match="cannot become implemented") as caught:
        move(db, reviewer, idea, IdeaStatus.IMPLEMENTED)
    assert caught.value.field == "status"
    assert IdeaStatus.IMPLEMENTED not in TRANSITIONS[IdeaStatus.SUBMITTED]


def test_declining_needs_a_reason(db, employee, make_idea, reviewer):
    idea = make_idea(employee)
    with pytest.raises(DomainError) as caught:
        move(db, reviewer, idea, IdeaStatus.DECLINED, note="  ")
    assert caught.value.field == "note"
    move(db, reviewer, idea, IdeaStatus.DECLINED, note="Already planned for next year")
    db.refresh(idea)
    assert idea.status is IdeaStatus.DECLINED
    assert idea.decided_at is not None


def test_only_managers_of_the_department_and_admins_review(db, employee, make_user, make_idea):
    idea = make_idea(employee)
    elsewhere = make_user(role=Role.MANAGER, department="Claims")
    colleague = make_user()
    for outsider in (elsewhere, colleague, employee):
        with pytest.raises(Forbidden):
            move(db, outsider, idea, IdeaStatus.UNDER_REVIEW)
    admin = make_user(role=Role.ADMIN, department="Claims")
    move(db, admin, idea, IdeaStatus.UNDER_REVIEW)


def test_approving_names_an_owner(db, employee, make_idea, reviewer, make_user):
    idea = make_idea(employee)
    move(db, reviewer, idea, IdeaStatus.UNDER_REVIEW)
    with pytest.raises(DomainError) as caught:
        move(db, reviewer, idea, IdeaStatus.APPROVED)
    assert caught.value.field == "owner"
    owner = make_user("owner@example.com")
    move(db, reviewer, idea, IdeaStatus.APPROVED, owner_email="Owner@example.com")
    db.refresh(idea)
    assert idea.owner_id == owner.id


def test_implementing_records_the_measured_impact(db, employee, make_idea, reviewer):
    idea = make_idea(employee)
    move(db, reviewer, idea, IdeaStatus.UNDER_REVIEW)
    move(db, reviewer, idea, IdeaStatus.APPROVED, owner_email=reviewer.email)
    move(db, reviewer, idea, IdeaStatus.IN_PROGRESS)
    with pytest.raises(DomainError) as caught:
        move(db, reviewer, idea, IdeaStatus.IMPLEMENTED)
    assert caught.value.field == "what_was_done"
    impact = ImpactInput(
        "Call-back option in the phone menu",
        "Average hold time",
        "seconds",
        Decimal("1200"),
        Decimal("240"),
        date(2026, 10, 1),
    )
    move(db, reviewer, idea, IdeaStatus.IMPLEMENTED, impact=impact)
    recorded = db.scalars(select(Impact).where(Impact.idea_id == idea.id)).one()
    assert (recorded.measure, recorded.before, recorded.after) == (
        "Average hold time",
        Decimal("1200.00"),
        Decimal("240.00"),
    )
    statuses = db.scalars(
        select(IdeaEvent.to_status).where(IdeaEvent.idea_id == idea.id).order_by(IdeaEvent.id)
    ).all()
    assert statuses == [
        IdeaStatus.SUBMITTED,
        IdeaStatus.UNDER_REVIEW,
        IdeaStatus.APPROVED,
        IdeaStatus.IN_PROGRESS,
        IdeaStatus.IMPLEMENTED,
    ]


def test_a_duplicate_moves_votes_and_followers_without_double_counting(
    db, employee, make_user, make_idea, reviewer
):
    original_author = make_user("original@example.com")
    original = make_idea(original_author, "Call-back for long queues")
    duplicate = make_idea(employee, "Let members ask for a call back")
    both, only_duplicate = make_user(), make_user()
    for voter in (both, only_duplicate, original_author):
        cast_vote(db, voter, duplicate.id)
    cast_vote(db, both, original.id)
    db.commit()

    move(db, reviewer, duplicate, IdeaStatus.DUPLICATE, duplicate_of_id=original.id)

    db.refresh(original)
    db.refresh(duplicate)
    assert duplicate.status is IdeaStatus.DUPLICATE
    assert duplicate.duplicate_of_id == original.id
    assert duplicate.vote_count == 0
    voters = set(db.scalars(select(Vote.voter_id).where(Vote.idea_id == original.id)))
    assert voters == {both.id, only_duplicate.id}
    assert original.vote_count == 2
    followers = set(db.scalars(select(Follow.user_id).where(Follow.idea_id == original.id)))
    assert {employee.id, both.id, only_duplicate.id} <= followers
    assert db.get(IdeaCoAuthor, (original.id, employee.id)) is not None


def test_a_merge_leaves_no_vote_for_an_idea_of_ones_own(
    db, employee, make_user, make_idea, reviewer
):
    original_author, co_author, voter = make_user(), make_user(), make_user()
    original = make_idea(
        original_author, "Call-back for long queues", co_author_emails=(co_author.email,)
    )
    duplicate = make_idea(employee, "Let members ask for a call back")
    for person in (co_author, voter):
        cast_vote(db, person, duplicate.id)
    cast_vote(db, employee, original.id)  # soon credited on the original
    db.commit()

    move(db, reviewer, duplicate, IdeaStatus.DUPLICATE, duplicate_of_id=original.id)

    db.refresh(original)
    voters = set(db.scalars(select(Vote.voter_id).where(Vote.idea_id == original.id)))
    assert voters == {voter.id}
    assert original.vote_count == 1


@pytest.mark.parametrize("original_id", [None, 0, 99999])
def test_a_duplicate_must_name_a_real_original(db, employee, make_idea, reviewer, original_id):
    idea = make_idea(employee)
    original_id = idea.id if original_id == 0 else original_id
    with pytest.raises(DomainError) as caught:
        move(db, reviewer, idea, IdeaStatus.DUPLICATE, duplicate_of_id=original_id)
    assert caught.value.field == "duplicate_of"


def test_timeline_events_cannot_be_changed(db, employee, make_idea):
    make_idea(employee)
    event = db.scalars(select(IdeaEvent)).one()
    event.note = "rewritten history"
    with pytest.raises(ImmutableRowError, match="IdeaEvent rows cannot be changed"):
        db.flush()
