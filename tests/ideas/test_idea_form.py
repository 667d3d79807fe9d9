"""The idea form: every error at once with a summary, and the similar ideas step (no JS)."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from portal.ideas.models import Idea, Vote
from tests.ideas.test_views import form_for


def test_one_submit_reports_every_missing_field_in_a_summary(login_as, employee, category):
    data = form_for(category, problem="", solution=" ", impact="", channel="") | {"category": ""}
    html = login_as(employee).post("/ideas/new", data=data).get_data(as_text=True)
    summary = re.search(
        r'<div class="error-summary" role="alert" tabindex="-1".*?</div>', html, re.S
    )
    assert summary, html
    links = re.findall(r'<a href="#(\w+)">([^<]+)</a>', summary.group(0))
    assert [field for field, _ in links] == ["problem", "solution", "impact", "channel", "category"]
    assert "There are 5 problems" in summary.group(0)
    assert 'value="Show the queue position"' in html
    for field in ("problem", "solution", "impact", "channel", "category"):
        assert f'id="{field}-error"' in html
    assert re.search(r'<input[^>]*id="title"[^>]*required', html)
    assert re.search(r'<textarea[^>]*id="problem"[^>]*required', html)


def test_a_short_title_and_a_draft_without_problem(login_as, employee, category, db):
    client = login_as(employee)
    html = client.post("/ideas/new", data=form_for(category, title="Hi")).get_data(as_text=True)
    assert '<a href="#title">Give the idea a title of at least 5 characters.</a>' in html
    draft = form_for(category, problem="", submit="", save_draft="Save draft")
    del draft["submit"]
    assert client.post("/ideas/new", data=draft).status_code == 303


def test_without_javascript_close_matches_ask_before_posting(
    login_as, employee, make_user, make_idea, category, db
):
    existing = make_idea(employee, "Due-date reminders by text message")
    client = login_as(make_user())
    data = form_for(category, title="Text reminder before the due date")

    response = client.post("/ideas/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'href="/ideas/{existing.id}"' in html
    assert "Post it anyway" in html and ">Submit idea<" not in html
    assert 'value="Text reminder before the due date"' in html
    assert "Announce the position in the queue." in html
    assert re.search(r'name="similar_seen"[^>]*value="1"|value="1"[^>]*name="similar_seen"', html)
    assert html.index('id="similar-ideas"') < html.index("Post it anyway")
    assert db.scalar(select(func.count()).select_from(Idea)) == 1
    db.commit()

    posted = client.post("/ideas/new", data=data | {"submit": "", "confirm_post": "Post it anyway"})
    assert posted.status_code == 303
    assert db.scalar(select(func.count()).select_from(Idea)) == 2


def test_similar_ideas_seen_while_typing_do_not_ask_again(
    login_as, employee, make_user, make_idea, category, db
):
    make_idea(employee, "Due-date reminders by text message")
    data = form_for(category, title="Text reminder before the due date", similar_seen="1")
    assert login_as(make_user()).post("/ideas/new", data=data).status_code == 303


def test_no_match_posts_at_once(login_as, employee, category, db):
    response = login_as(employee).post("/ideas/new", data=form_for(category))
    assert response.status_code == 303


def test_voting_from_the_similar_list_redraws_its_line(
    login_as, employee, make_user, make_idea, db
):
    idea = make_idea(employee, "Due-date reminders by text message")
    client = login_as(make_user())
    html = client.get(
        "/ideas/similar",
        query_string={"title": "text reminder", "problem": "before the due date"},
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert f'id="similar-{idea.id}"' in html and "Submitted" in html and "0 votes" in html
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/ideas/new").get_data(as_text=True)
    )
    response = client.post(
        f"/ideas/{idea.id}/vote",
        data={"csrf_token": token.group(1), "similar": "1", "title": "typed"},
        headers={"HX-Request": "true"},
    )
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith(f'<li id="similar-{idea.id}"')
    assert "You voted" in fragment and "1 vote" in fragment and "<form" not in fragment
    assert db.scalar(select(func.count()).select_from(Vote)) == 1


def test_editing_leaves_the_idea_itself_out_of_similar(login_as, employee, make_idea):
    idea = make_idea(employee, "Due-date reminders by text message")
    client = login_as(employee)
    html = client.get(f"/ideas/{idea.id}/edit").get_data(as_text=True)
    assert f'"exclude": "{idea.id}"' in html
    fragment = client.get(
        "/ideas/similar",
        query_string={"title": "due date reminders", "exclude": str(idea.id)},
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert "similar-item" not in fragment
