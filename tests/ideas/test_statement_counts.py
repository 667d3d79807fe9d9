"""The feed, an idea page and the review queue cost the same SQL with 5 ideas as with 500.

The extra ideas, votes, comments and co-authors go in with one bulk INSERT per table, so the
comparison at the size the issue names stays quick.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.core.db import utcnow
from portal.core.markdown import render_markdown
from portal.ideas.models import (
    Category,
    Comment,
    CustomerChannel,
    Idea,
    IdeaCoAuthor,
    IdeaStatus,
    Vote,
    hot_score,
)
from portal.ideas.services.comments import add_comment
from portal.ideas.services.voting import cast_vote
from tests.ideas.conftest import BASE_URL

FEW, MANY = 5, 500
STATUSES = [IdeaStatus.SUBMITTED, IdeaStatus.UNDER_REVIEW, IdeaStatus.APPROVED]
CHANNELS = list(CustomerChannel)


def bulk_ideas(
    db: Session, author: User, category: Category, count: int, voters: list[User]
) -> list[int]:
    """`count` submitted ideas in the author's department, each voted for by every voter."""
    now = utcnow()
    rows = []
    for number in range(count):
        submitted_at = now - timedelta(days=count - number, minutes=number)
        rows.append(
            {
                "title": f"Queue idea number {number}",
                "problem": "Members wait on hold.",
                "solution": "Offer a call back.",
                "impact": "Shorter waits.",
                "channel": CHANNELS[number % len(CHANNELS)],
                "category_id": category.id,
                "status": STATUSES[number % len(STATUSES)],
                "author_id": author.id,
                "department_id": author.department_id,
                "vote_count": len(voters),
                "hot_score": hot_score(len(voters), submitted_at),
                "created_at": submitted_at,
                "submitted_at": submitted_at,
                "last_activity_at": submitted_at,
            }
        )
    ids = list(db.scalars(insert(Idea).returning(Idea.id), rows))
    if voters:
        db.execute(
            insert(Vote),
            [{"idea_id": idea, "voter_id": voter.id} for idea in ids for voter in voters],
        )
    db.commit()
    return ids


def statements_for(client, count_statements, url: str) -> int:
    with count_statements() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


FEED_URLS = [
    "/ideas",
    "/ideas?sort=top",
    "/ideas?sort=newest&status=submitted&channel=phone",
    "/ideas?q=queue",
    "/ideas?voted=1",
]


def test_the_feed_costs_the_same_with_5_or_500_ideas(
    db, database, login_as, make_user, employee, category, count_statements
):
    voters = [make_user() for _ in range(3)]
    client = login_as(voters[0])
    bulk_ideas(db, employee, category, FEW, voters)
    few = {url: statements_for(client, count_statements, url) for url in FEED_URLS}
    bulk_ideas(db, employee, category, MANY - FEW, voters)
    many = {url: statements_for(client, count_statements, url) for url in FEED_URLS}
    assert few == many
    # The person with the bell's count and Approvals link, the feed, the filter form's lists;
    # on SQLite a search first counts its matches, up to MANY_MATCHES, to choose its plan.
    counted = 1 if database.dialect == "sqlite" else 0
    assert many == {url: 3 + (counted if "q=" in url else 0) for url in FEED_URLS}
    assert 'rel="next"' in client.get("/ideas").get_data(as_text=True)


def test_the_review_queue_costs_the_same_with_5_or_500_ideas(
    db, login_as, employee, manager, category, count_statements
):
    client = login_as(manager)
    bulk_ideas(db, employee, category, FEW, [])
    few = statements_for(client, count_statements, "/ideas/review")
    bulk_ideas(db, employee, category, MANY - FEW, [])
    many = statements_for(client, count_statements, "/ideas/review")
    assert few == many
    assert 'rel="next"' in client.get("/ideas/review").get_data(as_text=True)


def test_an_idea_page_costs_the_same_with_5_or_500_ideas_comments_and_votes(
    db, login_as, make_user, make_idea, employee, category, count_statements
):
    idea = make_idea(employee)
    reviewer = make_user(role=Role.MANAGER)
    client = login_as(reviewer)
    add_comments(db, employee, idea.id, 5)
    bulk_ideas(db, employee, category, FEW - 1, [])
    few = statements_for(client, count_statements, f"/ideas/{idea.id}")
    people = []
    for _ in range(30):
        person = make_user()
        people.append(person)
        cast_vote(db, person, idea.id)
        add_comment(db, person, idea.id, "A voter's comment", base_url=BASE_URL)
    db.execute(insert(IdeaCoAuthor), [{"idea_id": idea.id, "user_id": p.id} for p in people[:3]])
    add_comments(db, employee, idea.id, 465)
    bulk_ideas(db, employee, category, MANY - FEW, people)
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
    """`count` comments in one bulk INSERT: the page reads them as it reads the service's."""
    db.execute(
        insert(Comment),
        [
            {
                "idea_id": idea_id,
                "author_id": writer.id,
                "body": f"Comment {number}",
                "body_html": str(render_markdown(f"Comment {number}")),
            }
            for number in range(count)
        ],
    )
    db.execute(
        update(Idea).where(Idea.id == idea_id).values(comment_count=Idea.comment_count + count)
    )
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
