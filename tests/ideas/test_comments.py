from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.core.errors import DomainError, Forbidden
from portal.core.markdown import render_markdown
from portal.ideas.models import Comment, Follow
from portal.ideas.queries.idea_page import comments_from
from portal.ideas.services.comments import (
    add_comment,
    delete_comment,
    edit_comment,
    mark_official_response,
)
from portal.notifications.models import Notification
from tests.core.test_markdown import HOSTILE, live_markup
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
    assert f"{reviewer.display_name} gave the official response on your idea “{idea.title}”" in (
        messages
    )


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


@pytest.mark.parametrize("text", HOSTILE)
def test_the_stored_html_is_the_sanitised_markdown(db, employee, make_idea, text):
    idea = make_idea(employee)
    comment = add_comment(db, employee, idea.id, f"{text} **loud**", base_url=BASE_URL)
    db.commit()
    stored = db.scalar(select(Comment.body_html).where(Comment.id == comment.id))
    assert stored == str(render_markdown(f"{text} **loud**"))
    markup = live_markup(stored)
    assert not {"script", "img", "div", "button", "span"} & set(markup.tags)
    assert all(name in {"href", "rel", "title"} for name, _value in markup.attributes)


def test_editing_rewrites_and_deleting_clears_the_stored_html(db, employee, make_idea):
    idea = make_idea(employee)
    comment = add_comment(db, employee, idea.id, "*first*", base_url=BASE_URL)
    edit_comment(db, employee, comment.id, "<script>x</script> **second**")
    db.commit()
    assert comment.body_html == str(render_markdown("<script>x</script> **second**"))
    assert "<strong>second</strong>" in comment.body_html and "<script" not in comment.body_html
    delete_comment(db, employee, comment.id)
    db.commit()
    assert db.scalar(select(Comment.body_html).where(Comment.id == comment.id)) == ""


def test_a_hostile_comment_reaches_the_page_sanitised(login_as, db, employee, make_idea):
    idea = make_idea(employee)
    add_comment(
        db,
        employee,
        idea.id,
        '<img src=x onerror="alert(1)"> <b hx-get="/x">**hi**</b>',
        base_url=BASE_URL,
    )
    db.commit()
    html = login_as(employee).get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "<strong>hi</strong>" in html
    assert "<img" not in html and "<b hx-get" not in html


def add_many_comments(db, writer, idea, count: int) -> None:
    for number in range(count):
        add_comment(db, writer, idea.id, f"Comment number {number}.", base_url=BASE_URL)
    db.commit()


def test_the_idea_page_shows_the_first_50_threads_then_later_ones_by_key(
    login_as, db, employee, make_idea
):
    idea = make_idea(employee)
    add_many_comments(db, employee, idea, 55)
    client = login_as(employee)
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert html.count('<article id="comment-') == 50
    assert "Comment number 0." in html and "Comment number 49." in html
    assert "Comment number 50." not in html
    assert html.index("Comment number 0.") < html.index("Comment number 1.")
    next_url = re.search(r'<a rel="next" href="([^"#]+)', html).group(1).replace("&amp;", "&")
    assert "Later comments" in html
    html = client.get(next_url).get_data(as_text=True)
    assert html.count('<article id="comment-') == 5
    assert "Comment number 50." in html and "Comment number 54." in html
    assert "Comment number 49." not in html
    assert 'rel="next"' not in html
    assert "From the first comment" in html and "Post comment" in html


def test_htmx_loads_later_comments_as_a_fragment(login_as, db, employee, make_idea):
    idea = make_idea(employee)
    add_many_comments(db, employee, idea, 52)
    client = login_as(employee)
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    next_url = re.search(r'hx-get="([^"]+)"', html[html.index("Later comments") - 400 :])
    response = client.get(next_url.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert fragment.lstrip().startswith('<div id="comments-')
    assert "<html" not in fragment and "Post comment" not in fragment
    assert fragment.count('<article id="comment-') == 2
    assert "Comment number 50." in fragment and "Comment number 51." in fragment


def test_a_forged_comment_cursor_shows_the_newest_comments(login_as, db, employee, make_idea):
    idea = make_idea(employee)
    add_many_comments(db, employee, idea, 2)
    html = login_as(employee).get(f"/ideas/{idea.id}?comments=WyJ4Il0").get_data(as_text=True)
    assert html.count('<article id="comment-') == 2


def test_earlier_comments_of_a_draft_stay_hidden(login_as, make_user, employee, make_idea):
    draft = make_idea(employee, draft=True)
    response = login_as(make_user()).get(
        f"/ideas/{draft.id}?comments=WzVd", headers={"HX-Request": "true"}
    )
    assert response.status_code == 404


def test_marking_a_late_comment_official_lands_on_its_page_and_pins_it(
    login_as, db, employee, make_user, make_idea
):
    idea = make_idea(employee)
    add_many_comments(db, employee, idea, 55)
    newest = db.scalar(select(func.max(Comment.id)).where(Comment.idea_id == idea.id))
    client = login_as(make_user(role=Role.ADMIN))
    response = client.post(f"/comments/{newest}/official")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#comment-{newest}")
    assert "comments=" in response.headers["Location"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert html.count('<article id="comment-') == 1 and "From the first comment" in html
    first = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    pinned = first.index('aria-label="Official response by')
    assert pinned < first.index('<article id="comment-')
    assert "Comment number 54." in first[pinned : first.index('<article id="comment-')]


def test_htmx_later_comments_offer_reviewers_the_official_button(
    login_as, db, employee, manager, make_idea
):
    idea = make_idea(employee)
    add_many_comments(db, employee, idea, 51)
    client = login_as(manager)
    cursor = comments_from(db.scalar(select(func.max(Comment.id))))
    response = client.get(f"/ideas/{idea.id}?comments={cursor}", headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert fragment.count('<article id="comment-') == 1
    assert "Mark as official response" in fragment
