from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.core.audit import AuditEntry
from portal.ideas.models import Idea, IdeaStatus, Vote
from portal.ideas.services.voting import cast_vote


def form_for(category, **changes):
    data = {
        "title": "Show the queue position",
        "problem": "Callers do not know how long they will wait.",
        "solution": "Announce the position in the queue.",
        "impact": "Fewer hang-ups.",
        "channel": "phone",
        "category": str(category.id),
        "co_authors": "",
        "submit": "Submit idea",
    }
    return data | changes


REQUIRED_MARK = ' <span class="required-mark" aria-hidden="true">\\*</span>'


def test_the_form_has_the_contract_labels(login_as, employee, category):
    html = login_as(employee).get("/ideas/new").get_data(as_text=True)
    for label in [
        "Title",
        "Customer problem",
        "Proposed solution",
        "Expected customer impact",
        "Customer channel",
        "Category",
    ]:
        assert re.search(rf"<label for=\"\w+\">{label}{REQUIRED_MARK}</label>", html), label
    assert "Submit idea" in html
    assert "Save draft" in html


def test_submitting_redirects_to_the_idea(login_as, employee, category, db):
    response = login_as(employee).post("/ideas/new", data=form_for(category))
    idea = db.scalars(select(Idea)).one()
    assert response.status_code == 303
    assert response.headers["Location"] == f"/ideas/{idea.id}"
    assert idea.status is IdeaStatus.SUBMITTED


def test_saving_a_draft_keeps_it_a_draft(login_as, employee, category, db):
    data = form_for(category, problem="", submit="", save_draft="Save draft")
    del data["submit"]
    response = login_as(employee).post("/ideas/new", data=data)
    assert response.status_code == 303
    assert db.scalars(select(Idea)).one().status is IdeaStatus.DRAFT


def test_a_bad_field_shows_its_message_and_keeps_the_input(login_as, employee, category):
    response = login_as(employee).post(
        "/ideas/new", data=form_for(category, solution="", title="Keep this title")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="solution-error"' in html
    assert "Describe the solution you propose." in html
    assert 'value="Keep this title"' in html
    assert "Callers do not know how long they will wait." in html


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "Hi"}, "title"),
        ({"co_authors": "nobody@example.com"}, "co_authors"),
        ({"co_authors": "nobody@example.com", "submit": "", "save_draft": "Draft"}, "co_authors"),
    ],
)
def test_a_refused_idea_saves_nothing(login_as, employee, category, db, changes, field):
    response = login_as(employee).post("/ideas/new", data=form_for(category, **changes))
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Idea)) == 0


def test_the_idea_page_shows_sanitised_markdown_and_a_vote_button(
    login_as, employee, make_user, make_idea
):
    idea = make_idea(employee, problem="<script>alert(1)</script> **loud**")
    voter = make_user()
    html = login_as(voter).get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "<strong>loud</strong>" in html
    assert "<script>alert" not in html
    assert re.search(r"<button[^>]*>Vote", html)
    assert "data-vote-count>0<" in html
    assert '<label for="body">Comment</label>' in html
    assert "Post comment" in html
    assert "Update status" not in html


def test_voting_without_javascript_redirects_back(login_as, employee, make_user, make_idea, db):
    idea = make_idea(employee)
    client = login_as(make_user())
    response = client.post(f"/ideas/{idea.id}/vote", data={"back": "/ideas?sort=top"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/ideas?sort=top"
    assert db.scalar(select(Vote.idea_id)) == idea.id


def test_voting_with_htmx_swaps_the_vote_fragment(login_as, employee, make_user, make_idea):
    idea = make_idea(employee)
    client = login_as(make_user())
    response = client.post(f"/ideas/{idea.id}/vote", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith(f'<div id="vote-{idea.id}"')
    assert "data-vote-count>1<" in html
    assert "Remove vote" in html
    html = client.post(f"/ideas/{idea.id}/unvote", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert "data-vote-count>0<" in html


def test_voting_on_your_own_idea_is_refused(login_as, employee, make_idea):
    idea = make_idea(employee)
    response = login_as(employee).post(f"/ideas/{idea.id}/vote")
    assert response.status_code == 422


def test_the_feed_is_a_full_page_or_its_fragment(login_as, employee, make_idea):
    make_idea(employee, "Queue position announcements")
    client = login_as(employee)
    page = client.get("/ideas")
    fragment = client.get("/ideas", headers={"HX-Request": "true"})
    assert "HX-Request" in page.headers["Vary"]
    assert "HX-Request" in fragment.headers["Vary"]
    assert "<html" in page.get_data(as_text=True)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body
    assert body.lstrip().startswith('<section id="idea-feed"')
    assert "Queue position announcements" in body


def test_the_feed_searches_filters_and_pages_by_key(app, login_as, employee, make_user, make_idea):
    for number in range(3):
        make_idea(employee, f"Billing reminder {number}")
    make_idea(employee, "Chat transcript by email", channel=None, draft=True)
    client = login_as(make_user())
    app.config["PAGE_SIZE"] = 2
    try:
        html = client.get("/ideas?q=billing&sort=newest").get_data(as_text=True)
    finally:
        app.config["PAGE_SIZE"] = 25
    assert html.count('<article id="idea-') == 2
    assert "Billing reminder 2" in html and "Billing reminder 1" in html
    next_url = re.search(r'<a rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "q=billing" in next_url and "sort=newest" in next_url
    html = client.get(next_url).get_data(as_text=True)
    assert "Billing reminder 0" in html
    assert "Chat transcript" not in client.get("/ideas").get_data(as_text=True)


def test_mine_shows_my_drafts_and_voted_shows_my_votes(
    login_as, db, employee, make_user, make_idea
):
    mine = make_idea(employee, "My half-written draft", draft=True)
    other = make_idea(make_user(), "Another persons idea")
    cast_vote(db, employee, other.id)
    db.commit()
    client = login_as(employee)
    html = client.get("/ideas?mine=1").get_data(as_text=True)
    assert mine.title in html and other.title not in html
    html = client.get("/ideas?voted=1").get_data(as_text=True)
    assert other.title in html and mine.title not in html


def test_an_employee_cannot_forge_a_status_change(login_as, db, employee, make_user, make_idea):
    idea = make_idea(make_user())
    response = login_as(employee).post(
        f"/ideas/{idea.id}/status", data={"status": "approved", "note": "forged"}
    )
    assert response.status_code == 403
    db.refresh(idea)
    assert idea.status is IdeaStatus.SUBMITTED
    assert "permission_denied" in db.scalars(select(AuditEntry.action)).all()


def test_a_manager_of_another_department_is_refused(login_as, db, employee, make_user, make_idea):
    idea = make_idea(employee)
    outsider = make_user(role=Role.MANAGER, department="Claims")
    response = login_as(outsider).post(f"/ideas/{idea.id}/status", data={"status": "under_review"})
    assert response.status_code == 403


def test_a_reviewer_updates_the_status_from_the_idea_page(
    login_as, db, employee, manager, make_idea
):
    idea = make_idea(employee)
    client = login_as(manager)
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert '<label for="status">Status</label>' in html
    assert '<label for="note">Note</label>' in html
    assert "Update status" in html
    response = client.post(f"/ideas/{idea.id}/status", data={"status": "declined", "note": ""})
    assert response.status_code == 422
    assert "Tell the author why" in response.get_data(as_text=True)
    response = client.post(
        f"/ideas/{idea.id}/status", data={"status": "under_review", "note": "On it"}
    )
    assert response.status_code == 303
    db.refresh(idea)
    assert idea.status is IdeaStatus.UNDER_REVIEW
    assert "On it" in client.get(f"/ideas/{idea.id}").get_data(as_text=True)


def test_comments_post_and_show(login_as, employee, make_user, make_idea):
    idea = make_idea(employee)
    client = login_as(make_user())
    response = client.post(f"/ideas/{idea.id}/comments", data={"body": "Love it, **really**"})
    assert response.status_code == 303
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "<strong>really</strong>" in html


def test_the_review_queue_lists_oldest_first_and_flags_overdue(
    login_as, db, employee, manager, make_idea
):
    from datetime import timedelta

    from portal.core.db import utcnow

    old = make_idea(employee, "Old unanswered idea")
    new = make_idea(employee, "Fresh idea")
    old.submitted_at = utcnow() - timedelta(days=10)
    db.commit()
    html = login_as(manager).get("/ideas/review").get_data(as_text=True)
    assert html.index(old.title) < html.index(new.title)
    assert "10 days" in html
    assert html.count("Overdue") == 1


def test_similar_ideas_appear_while_typing(login_as, employee, make_user, make_idea):
    make_idea(employee, "Call back when queues are long")
    html = (
        login_as(make_user())
        .get("/ideas/similar?title=call back", headers={"HX-Request": "true"})
        .get_data(as_text=True)
    )
    assert html.lstrip().startswith('<div id="similar-ideas"')
    assert "Call back when queues are long" in html
    # No form of its own: the list sits inside the idea form.
    assert "<form" not in html
    assert re.search(r'<button type="submit"[^>]*formaction="/ideas/\d+/vote"', html)
    assert re.search(r"<button[^>]*>Vote<span", html)


def test_a_reviewer_takes_an_idea_through_to_implemented(
    login_as, db, employee, manager, make_idea
):
    idea = make_idea(employee)
    client = login_as(manager)
    steps = [
        {"status": "under_review"},
        {"status": "approved", "owner": manager.email},
        {"status": "in_progress"},
        {
            "status": "implemented",
            "what_was_done": "Added a call-back option",
            "measure": "Average hold time",
            "unit": "seconds",
            "before": "1200",
            "after": "240",
            "measured_on": "2026-10-01",
        },
    ]
    for step in steps:
        response = client.post(f"/ideas/{idea.id}/status", data={"note": "", **step})
        assert response.status_code == 303, response.get_data(as_text=True)
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Measured impact" in html
    assert "1200.00 seconds" in html and "240.00 seconds" in html
    assert "Update status" not in html
    db.refresh(idea)
    assert idea.status is IdeaStatus.IMPLEMENTED


def test_going_back_to_a_pushed_feed_url_gets_the_whole_page(login_as, employee):
    response = login_as(employee).get(
        "/ideas?sort=top",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.get_data(as_text=True)


def test_the_author_edits_a_draft_then_submits_it(login_as, db, employee, category, make_idea):
    idea = make_idea(employee, "Rough draft title", draft=True)
    client = login_as(employee)
    html = client.get(f"/ideas/{idea.id}/edit").get_data(as_text=True)
    assert 'value="Rough draft title"' in html and "Save draft" in html
    response = client.post(f"/ideas/{idea.id}/edit", data=form_for(category, title="Final title"))
    assert response.status_code == 303
    db.refresh(idea)
    assert (idea.title, idea.status) == ("Final title", IdeaStatus.SUBMITTED)
    html = client.get(f"/ideas/{idea.id}/edit").get_data(as_text=True)
    assert "Save changes" in html and "Save draft" not in html
