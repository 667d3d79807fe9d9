"""Nobody reviews their own idea; when that leaves a department without a reviewer, it goes up."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.core.audit import AuditEntry
from portal.core.errors import Forbidden
from portal.ideas.models import Comment, Idea, IdeaEvent, IdeaStatus
from portal.ideas.queries.review_queue import list_review_queue
from portal.ideas.rules import can_review
from portal.ideas.services.comments import add_comment, mark_official_response
from portal.ideas.services.reviewing import TransitionInput, transition_idea
from portal.ideas.services.submitting import update_idea
from tests.conftest import UserFactory
from tests.ideas.conftest import BASE_URL, complete_input


def move(db: Session, actor: User, idea: Idea, status: IdeaStatus, **kwargs) -> None:
    transition_idea(db, actor, idea.id, TransitionInput(status, **kwargs), base_url=BASE_URL)
    db.commit()


def state(db: Session, idea: Idea) -> tuple:
    """What a refused review must leave as it was."""
    db.refresh(idea)
    events = db.scalar(select(func.count()).where(IdeaEvent.idea_id == idea.id))
    official = db.scalars(select(Comment.id).where(Comment.official.is_(True))).all()
    found = idea.status, idea.first_response_at, idea.routed_reviewer_id, events, official
    db.commit()  # end the read: on SQLite the arranging session's transaction holds the lock
    return found


def queue(db: Session, reviewer: User) -> dict[int, str | None]:
    page = list_review_queue(db, reviewer, target_days=7)
    return {item.idea.id: item.routed for item in page.items}


@dataclass
class Chain:
    """Customer Experience's only manager, with two managers above in Operations."""

    vice_president: User
    director: User
    lead: User
    employee: User


@pytest.fixture
def chain(make_user: UserFactory) -> Chain:
    vice_president = make_user(
        "vp@example.com", role=Role.MANAGER, department="Operations", name="Vera Vice"
    )
    director = make_user(
        "director@example.com",
        role=Role.MANAGER,
        manager=vice_president,
        department="Operations",
        name="Dana Director",
    )
    lead = make_user("lead@example.com", role=Role.MANAGER, manager=director, name="Lee Lead")
    employee = make_user("employee@example.com", manager=lead, name="Emery Employee")
    return Chain(vice_president, director, lead, employee)


# --- the author is refused, whatever their role ----------------------------------------------


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_an_author_never_reviews_their_own_idea(db, make_user, make_idea, role):
    author = make_user(role=role)
    make_user(role=Role.MANAGER)  # another manager of the department reviews it
    idea = make_idea(author)
    before = state(db, idea)
    with pytest.raises(Forbidden, match="You wrote this idea, so you cannot change its status"):
        move(db, author, idea, IdeaStatus.UNDER_REVIEW)
    db.rollback()
    assert state(db, idea) == before
    assert not can_review(db, author, idea)


def test_a_co_author_never_reviews_it_either(db, make_user, make_idea, employee):
    co_author = make_user("co.author@example.com", role=Role.MANAGER)
    make_user(role=Role.MANAGER)
    idea = make_idea(employee, co_author_emails=("co.author@example.com",))
    with pytest.raises(Forbidden, match="You co-wrote this idea"):
        move(db, co_author, idea, IdeaStatus.DECLINED, note="Not for us")
    db.rollback()
    assert db.get(Idea, idea.id).status is IdeaStatus.SUBMITTED


def test_an_author_cannot_mark_an_official_response_on_their_idea(db, make_user, make_idea):
    author = make_user(role=Role.MANAGER)
    idea = make_idea(author)
    comment = add_comment(db, make_user(), idea.id, "When will this ship?", base_url=BASE_URL)
    db.commit()
    before = state(db, idea)
    with pytest.raises(Forbidden, match="You wrote this idea, so you cannot mark an official"):
        mark_official_response(db, author, comment.id, base_url=BASE_URL)
    db.rollback()
    assert state(db, idea) == before


# --- who takes it instead, and the queue says so ----------------------------------------------


def test_another_manager_of_the_department_takes_it_and_the_queue_says_why(
    db, make_user, make_idea
):
    author = make_user(role=Role.MANAGER)
    other = make_user(role=Role.MANAGER)
    idea = make_idea(author)
    assert idea.routed_reviewer_id is None
    assert queue(db, other) == {
        idea.id: "Routed to you: one of its reviewers wrote it, and nobody reviews their own idea."
    }
    assert idea.id not in queue(db, author)
    move(db, other, idea, IdeaStatus.UNDER_REVIEW)


def test_with_every_manager_of_the_department_an_author_it_goes_up(db, chain: Chain, make_idea):
    idea = make_idea(chain.lead)
    assert idea.routed_reviewer_id == chain.director.id
    assert queue(db, chain.director) == {
        idea.id: "Routed to you, the manager above: every manager of Customer Experience wrote it."
    }
    assert idea.id not in queue(db, chain.lead)
    assert idea.id not in queue(db, chain.vice_president)
    with pytest.raises(Forbidden, match="Only the idea's reviewers"):
        move(db, chain.vice_president, idea, IdeaStatus.UNDER_REVIEW)
    db.rollback()
    move(db, chain.director, idea, IdeaStatus.UNDER_REVIEW)
    comment = add_comment(db, chain.employee, idea.id, "Please do", base_url=BASE_URL)
    mark_official_response(db, chain.director, comment.id, base_url=BASE_URL)


def test_going_up_skips_co_authors(db, chain: Chain, make_idea):
    idea = make_idea(chain.lead, co_author_emails=("director@example.com",))
    assert idea.routed_reviewer_id == chain.vice_president.id
    assert idea.id in queue(db, chain.vice_president)
    assert idea.id not in queue(db, chain.director)


def test_without_a_manager_above_the_admins_who_did_not_write_it_review_it(
    db, make_user, make_idea
):
    author = make_user(role=Role.MANAGER)
    admin = make_user(role=Role.ADMIN, department="Operations")
    idea = make_idea(author)
    assert idea.routed_reviewer_id is None
    assert queue(db, admin)[idea.id].startswith("Routed to you: one of its reviewers wrote it")
    move(db, admin, idea, IdeaStatus.UNDER_REVIEW)


def test_naming_the_only_manager_a_co_author_routes_the_idea_up(
    db, chain: Chain, make_idea, category
):
    idea = make_idea(chain.employee)
    assert idea.routed_reviewer_id is None
    assert idea.id in queue(db, chain.lead)
    edited = complete_input(category, co_author_emails=("lead@example.com",))
    update_idea(db, chain.employee, idea.id, edited)
    db.commit()
    assert db.get(Idea, idea.id).routed_reviewer_id == chain.director.id
    assert idea.id not in queue(db, chain.lead)
    assert idea.id in queue(db, chain.director)


def test_a_merge_that_credits_the_only_manager_routes_the_original_up(db, chain: Chain, make_idea):
    original = make_idea(chain.employee, "Call back for long queues")
    duplicate = make_idea(chain.lead, "Let members ask for a call back")
    move(db, chain.director, duplicate, IdeaStatus.DUPLICATE, duplicate_of_id=original.id)
    db.expire_all()
    assert db.get(Idea, original.id).routed_reviewer_id == chain.director.id
    with pytest.raises(Forbidden, match="You co-wrote this idea"):
        move(db, chain.lead, db.get(Idea, original.id), IdeaStatus.UNDER_REVIEW)


# --- the pages ---------------------------------------------------------------------------------


def test_the_idea_page_offers_no_review_form_to_its_author(login_as, db, chain: Chain, make_idea):
    idea = make_idea(chain.lead)
    add_comment(db, chain.employee, idea.id, "When?", base_url=BASE_URL)
    db.commit()
    html = login_as(chain.lead).get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Update status" not in html and "Mark as official response" not in html
    assert "You wrote this idea, so you do not review it: Dana Director" in html


def test_a_forged_review_by_the_author_is_refused_and_changes_nothing(
    login_as, db, chain: Chain, make_idea
):
    idea = make_idea(chain.lead)
    comment = add_comment(db, chain.employee, idea.id, "Nice", base_url=BASE_URL)
    db.commit()
    before = state(db, idea)
    client = login_as(chain.lead)
    response = client.post(
        f"/ideas/{idea.id}/status", data={"status": "under_review", "note": "Mine"}
    )
    assert response.status_code == 403
    assert "You wrote this idea, so you cannot change its status" in response.get_data(as_text=True)
    response = client.post(f"/comments/{comment.id}/official")
    assert response.status_code == 403
    assert state(db, idea) == before
    denials = db.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == chain.lead.id))
    assert list(denials).count("permission_denied") == 2


def test_the_manager_above_sees_the_form_and_why_the_idea_came_to_them(
    login_as, db, chain: Chain, make_idea
):
    idea = make_idea(chain.lead, "Routed call-back idea")
    add_comment(db, chain.employee, idea.id, "When?", base_url=BASE_URL)
    db.commit()
    client = login_as(chain.director)
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Update status" in html and "Mark as official response" in html
    assert "Routed to you, the manager above: every manager of Customer Experience" in html
    queue_page = client.get("/ideas/review").get_data(as_text=True)
    assert "Routed call-back idea" in queue_page
    assert "Routed to you, the manager above" in queue_page
    response = client.post(f"/ideas/{idea.id}/status", data={"status": "under_review"})
    assert response.status_code == 303
    db.expire_all()
    assert db.get(Idea, idea.id).status is IdeaStatus.UNDER_REVIEW


def test_the_review_queue_costs_the_same_with_own_and_routed_ideas(
    login_as, db, chain: Chain, make_user, make_idea, count_statements
):
    client = login_as(chain.director)
    make_idea(chain.employee, "An ordinary idea")

    def statements() -> int:
        with count_statements() as counter:
            assert client.get("/ideas/review").status_code == 200
        return counter.count

    few = statements()
    for number in range(4):
        make_idea(chain.lead, f"Routed idea {number}")
        make_idea(chain.director, f"The director's own idea {number}")
        make_idea(make_user(department="Operations"), f"Operations idea {number}")
    html = client.get("/ideas/review").get_data(as_text=True)
    assert "Routed idea 3" in html and "director's own idea" not in html
    assert statements() == few


def test_a_reviewer_co_writing_one_idea_leaves_the_others_unnoted(db, make_user, make_idea):
    """The note looks at each idea's own co-authors, not at anybody's."""
    admin = make_user(role=Role.ADMIN, department="Operations")
    employee = make_user()
    co_written = make_idea(employee, co_author_emails=(admin.email,))
    plain = make_idea(make_user())
    reviewer = make_user(role=Role.ADMIN, department="Operations")
    notes = queue(db, reviewer)
    assert notes[co_written.id] is not None and notes[co_written.id].startswith("Routed to you")
    assert notes[plain.id] is None
