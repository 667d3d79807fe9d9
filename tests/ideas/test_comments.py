from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.errors import DomainError, Forbidden
from portal.ideas.models import Follow
from portal.ideas.services import (
    add_comment,
    delete_comment,
    edit_comment,
    mark_official_response,
)
from portal.notifications.models import Notification
from tests.ideas.conftest import BASE_URL


def test_a_comment_counts_and_tells_followers_but_not_its_writer(
    db, employee, make_user, make_idea
):
    idea = make_idea(employee)
    writer = make_user()
    comment = add_comment(db, writer, idea.id, "Great *idea*", base_url=BASE_URL)
    db.commit()
    db.refresh(idea)
    assert idea.comment_count == 1
    assert db.get(Follow, (idea.id, writer.id)) is not None
    told = db.scalars(select(Notification.user_id)).all()
    assert told == [employee.id]
    assert comment.body == "Great *idea*"


def test_an_empty_comment_is_refused(db, employee, make_idea):
    idea = make_idea(employee)
    with pytest.raises(DomainError) as caught:
        add_comment(db, employee, idea.id, "   ", base_url=BASE_URL)
    assert caught.value.field == "body"


def test_writers_edit_and_delete_only_their_own(db, employee, make_user, make_idea):
    idea = make_idea(employee)
    writer, other = make_user(), make_user()
    comment = add_comment(db, writer, idea.id, "First", base_url=BASE_URL)
    with pytest.raises(Forbidden):
        edit_comment(db, other, comment.id, "Hijacked")
    with pytest.raises(Forbidden):
        delete_comment(db, other, comment.id)
    edit_comment(db, writer, comment.id, "Second thoughts")
    assert comment.edited_at is not None
    delete_comment(db, writer, comment.id)
    db.commit()
    db.refresh(idea)
    assert comment.deleted
    assert idea.comment_count == 0


def test_reviewers_mark_the_official_response(db, employee, make_user, make_idea):
    idea = make_idea(employee)
    reviewer = make_user(role=Role.MANAGER)
    comment = add_comment(db, reviewer, idea.id, "We will pilot this.", base_url=BASE_URL)
    with pytest.raises(Forbidden):
        mark_official_response(db, employee, comment.id, base_url=BASE_URL)
    mark_official_response(db, reviewer, comment.id, base_url=BASE_URL)
    db.commit()
    db.refresh(idea)
    assert comment.official
    assert idea.first_response_at is not None
    messages = db.scalars(
        select(Notification.message).where(Notification.user_id == employee.id)
    ).all()
    assert any("Official response" in message for message in messages)


def test_deleting_twice_uncounts_once(db, employee, make_idea):
    idea = make_idea(employee)
    comment = add_comment(db, employee, idea.id, "Oops", base_url=BASE_URL)
    db.commit()
    delete_comment(db, employee, comment.id)
    db.commit()
    with pytest.raises(DomainError):
        delete_comment(db, employee, comment.id)
    db.rollback()
    db.refresh(idea)
    assert idea.comment_count == 0


def test_only_the_writer_opens_the_edit_page(login_as, db, employee, make_user, make_idea):
    idea = make_idea(employee)
    comment = add_comment(db, employee, idea.id, "Mine", base_url=BASE_URL)
    db.commit()
    assert login_as(make_user()).get(f"/comments/{comment.id}/edit").status_code == 403


def test_writers_edit_and_delete_from_the_page(login_as, db, employee, make_idea):
    idea = make_idea(employee)
    comment = add_comment(db, employee, idea.id, "Frist", base_url=BASE_URL)
    db.commit()
    client = login_as(employee)
    assert "Frist" in client.get(f"/comments/{comment.id}/edit").get_data(as_text=True)
    response = client.post(f"/comments/{comment.id}/edit", data={"body": "First"})
    assert response.status_code == 303
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "First" in html and "edited" in html
    assert client.post(f"/comments/{comment.id}/delete").status_code == 303
    assert "This comment was deleted." in client.get(f"/ideas/{idea.id}").get_data(as_text=True)
