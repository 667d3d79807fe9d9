from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.core.errors import Conflict, DomainError, Forbidden
from portal.ideas.models import Follow, IdeaCoAuthor, IdeaEvent, IdeaStatus, Vote
from portal.ideas.services.submitting import IdeaInput, submit_idea, update_idea
from portal.ideas.services.voting import cast_vote
from tests.ideas.conftest import complete_input


def test_submitting_records_the_author_department_and_first_event(db, employee, category):
    idea = submit_idea(db, employee, complete_input(category))
    db.commit()
    assert idea.status is IdeaStatus.SUBMITTED
    assert idea.department_id == employee.department_id
    assert idea.submitted_at is not None
    assert idea.hot_score > 0
    event = db.scalars(select(IdeaEvent).where(IdeaEvent.idea_id == idea.id)).one()
    assert (event.from_status, event.to_status, event.actor_id) == (
        IdeaStatus.DRAFT,
        IdeaStatus.SUBMITTED,
        employee.id,
    )
    assert db.get(Follow, (idea.id, employee.id)) is not None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "Hi"}, "title"),
        ({"problem": "  "}, "problem"),
        ({"solution": ""}, "solution"),
        ({"impact": ""}, "impact"),
        ({"channel": None}, "channel"),
        ({"category_id": None}, "category"),
        ({"category_id": 99999}, "category"),
    ],
)
def test_an_incomplete_idea_is_refused_beside_the_field(db, employee, category, changes, field):
    with pytest.raises(DomainError) as caught:
        submit_idea(db, employee, complete_input(category, **changes))
    assert caught.value.field == field


def test_a_draft_needs_only_a_title(db, employee):
    idea = submit_idea(db, employee, IdeaInput(title="Half-formed thought"), draft=True)
    assert idea.status is IdeaStatus.DRAFT
    assert idea.submitted_at is None


def test_co_authors_are_credited_by_email_and_follow(db, employee, make_user, category):
    colleague = make_user("colleague@example.com")
    idea = submit_idea(
        db, employee, complete_input(category, co_author_emails=(" Colleague@Example.com ",))
    )
    assert db.get(IdeaCoAuthor, (idea.id, colleague.id)) is not None
    assert db.get(Follow, (idea.id, colleague.id)) is not None


def test_a_voter_named_co_author_later_no_longer_votes_for_it(db, employee, make_user, category):
    colleague = make_user("colleague@example.com")
    idea = submit_idea(db, employee, complete_input(category))
    cast_vote(db, colleague, idea.id)
    update_idea(
        db, employee, idea.id, complete_input(category, co_author_emails=(colleague.email,))
    )
    db.commit()
    db.refresh(idea)
    assert idea.vote_count == 0
    assert db.get(Vote, (idea.id, colleague.id)) is None


@pytest.mark.parametrize(
    ("emails", "message"),
    [(("nobody@example.com",), "No colleague"), (("employee@example.com",), "already the author")],
)
def test_unknown_or_own_co_authors_are_refused(db, employee, category, emails, message):
    with pytest.raises(DomainError, match=message) as caught:
        submit_idea(db, employee, complete_input(category, co_author_emails=emails))
    assert caught.value.field == "co_authors"


def test_the_author_submits_a_draft_later(db, employee, category):
    idea = submit_idea(db, employee, IdeaInput(title="Draft first"), draft=True)
    update_idea(db, employee, idea.id, complete_input(category, "Draft first"), submit=True)
    assert idea.status is IdeaStatus.SUBMITTED


def test_only_the_author_edits(db, employee, make_user, make_idea):
    idea = make_idea(employee)
    other = make_user()
    with pytest.raises(Forbidden):
        update_idea(db, other, idea.id, IdeaInput(title="Taken over"))


def test_editing_stops_once_review_starts(db, employee, make_idea, category):
    idea = make_idea(employee)
    idea.status = IdeaStatus.UNDER_REVIEW
    db.commit()
    with pytest.raises(Conflict):
        update_idea(db, employee, idea.id, complete_input(category, "Changed after review"))


def test_a_submitted_idea_stays_complete_when_edited(db, employee, make_idea, category):
    idea = make_idea(employee)
    with pytest.raises(DomainError) as caught:
        update_idea(db, employee, idea.id, complete_input(category, problem=""))
    assert caught.value.field == "problem"
    update_idea(db, employee, idea.id, complete_input(category, "A sharper title"))
    assert idea.title == "A sharper title"
