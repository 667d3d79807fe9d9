"""The feed, an idea page and the review queue cost the same SQL with few or many rows."""

from __future__ import annotations

import re

from portal.accounts.models import Role
from portal.ideas.services import add_comment, cast_vote
from tests.ideas.conftest import BASE_URL


def add_ideas(db, make_idea, author, voters, count: int) -> list:
    ideas = [make_idea(author, f"Idea number {number}") for number in range(count)]
    for idea in ideas[:10]:
        for voter in voters:
            cast_vote(db, voter, idea.id)
    db.commit()
    return ideas


def statements_for(client, count_statements, url: str) -> int:
    with count_statements() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def test_the_feed_costs_the_same_with_5_or_60_ideas(
    db, login_as, make_user, make_idea, employee, count_statements
):
    voters = [make_user() for _ in range(3)]
    client = login_as(voters[0])
    add_ideas(db, make_idea, employee, voters, 5)
    few = statements_for(client, count_statements, "/ideas?sort=top")
    add_ideas(db, make_idea, employee, voters, 55)
    many = statements_for(client, count_statements, "/ideas?sort=top")
    assert few == many


def test_the_review_queue_costs_the_same_with_5_or_60_ideas(
    db, login_as, make_idea, employee, manager, count_statements
):
    client = login_as(manager)
    add_ideas(db, make_idea, employee, [], 5)
    few = statements_for(client, count_statements, "/ideas/review")
    add_ideas(db, make_idea, employee, [], 55)
    many = statements_for(client, count_statements, "/ideas/review")
    assert few == many


def test_an_idea_page_costs_the_same_with_5_or_500_comments_and_votes(
    db, login_as, make_user, make_idea, employee, count_statements
):
    idea = make_idea(employee)
    reviewer = make_user(role=Role.MANAGER)
    client = login_as(reviewer)
    add_comments(db, employee, idea.id, 5)
    few = statements_for(client, count_statements, f"/ideas/{idea.id}")
    for _ in range(30):
        person = make_user()
        cast_vote(db, person, idea.id)
        add_comment(db, person, idea.id, "A voter's comment", base_url=BASE_URL)
    add_comments(db, employee, idea.id, 465)
    many = statements_for(client, count_statements, f"/ideas/{idea.id}")
    assert few == many
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert html.count('<article id="comment-') == 50
    cursor = re.search(r'hx-get="[^"]*comments=([^"&]+)', html).group(1)
    earlier = statements_for(client, count_statements, f"/ideas/{idea.id}?comments={cursor}")
    assert earlier == few
    with count_statements() as counter:
        client.get(f"/ideas/{idea.id}?comments={cursor}", headers={"HX-Request": "true"})
    fragment = counter.count
    add_comments(db, employee, idea.id, 100)
    with count_statements() as counter:
        client.get(f"/ideas/{idea.id}?comments={cursor}", headers={"HX-Request": "true"})
    assert counter.count == fragment < few


def add_comments(db, writer, idea_id: int, count: int) -> None:
    for number in range(count):
        add_comment(db, writer, idea_id, f"Comment {number}", base_url=BASE_URL)
    db.commit()


def test_an_htmx_vote_answers_from_the_idea_row_alone(
    db, login_as, make_user, make_idea, employee, count_statements
):
    idea = make_idea(employee)
    for number in range(5):
        add_comment(db, employee, idea.id, f"Comment {number}", base_url=BASE_URL)
    db.commit()
    client = login_as(make_user())
    with count_statements() as counter:
        response = client.post(f"/ideas/{idea.id}/vote", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "data-vote-count>1<" in response.get_data(as_text=True)
    assert not [statement for statement in counter.statements if "FROM comments" in statement]
