"""Comment threads: replies one level deep, oldest first; the official response pinned."""

from __future__ import annotations

import re

import pytest

from portal.accounts.models import Role
from portal.core.errors import DomainError, Forbidden
from portal.ideas.models import Comment
from portal.ideas.services.comments import add_comment, mark_official_response
from tests.ideas.conftest import BASE_URL


def test_a_reply_to_a_reply_joins_the_top_comment(db, employee, make_user, make_idea):
    idea = make_idea(employee)
    other = make_idea(employee, "Another idea")
    top = add_comment(db, employee, idea.id, "Top", base_url=BASE_URL)
    reply = add_comment(db, make_user(), idea.id, "Reply", base_url=BASE_URL, reply_to=top.id)
    deeper = add_comment(db, employee, idea.id, "Deeper", base_url=BASE_URL, reply_to=reply.id)
    assert (reply.parent_id, deeper.parent_id) == (top.id, top.id)
    with pytest.raises(DomainError):
        add_comment(db, employee, other.id, "Wrong idea", base_url=BASE_URL, reply_to=top.id)


def test_the_page_shows_threads_oldest_first_with_replies_and_a_reply_form(
    login_as, db, employee, make_user, make_idea
):
    idea = make_idea(employee)
    first = add_comment(db, employee, idea.id, "First thread", base_url=BASE_URL)
    add_comment(db, employee, idea.id, "Second thread", base_url=BASE_URL)
    add_comment(db, employee, idea.id, "A reply", base_url=BASE_URL, reply_to=first.id)
    db.commit()
    client = login_as(make_user())
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert html.index("First thread") < html.index("A reply") < html.index("Second thread")
    assert 'class="comment card reply"' in html
    assert f'<label for="reply-{first.id}">Your reply</label>' in html

    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post(
        f"/ideas/{idea.id}/comments",
        data={"csrf_token": token, "body": "Me too", "parent": str(first.id)},
    )
    assert response.status_code == 303
    created = db.query(Comment).filter_by(body="Me too").one()
    assert created.parent_id == first.id
    assert response.headers["Location"].endswith(f"/ideas/{idea.id}#comment-{created.id}")
    db.commit()
    forged = client.post(
        f"/ideas/{idea.id}/comments",
        data={"csrf_token": token, "body": "x", "parent": "99999999999999999999"},
    )
    assert forged.status_code in (303, 422)


def test_only_a_reviewer_of_the_idea_marks_the_official_response(
    login_as, db, employee, make_user, make_idea
):
    idea = make_idea(employee)
    colleague = make_user()
    elsewhere = make_user(role=Role.MANAGER, department="Claims")
    comment = add_comment(db, colleague, idea.id, "An answer", base_url=BASE_URL)
    for wrong in (colleague, elsewhere, employee):
        with pytest.raises(Forbidden):
            mark_official_response(db, wrong, comment.id, base_url=BASE_URL)
    db.commit()
    assert login_as(colleague).post(f"/comments/{comment.id}/official").status_code in (400, 403)
