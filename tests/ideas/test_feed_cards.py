"""Feed cards are drawn once and reused, yet each viewer sees their own state and token."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask

from portal.ideas.services.voting import cast_vote
from tests.conftest import login
from tests.test_csrf import signed_in


@pytest.fixture
def csrf_app(app: Flask) -> Iterator[Flask]:
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def card_fields(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]*)"', html)


def page_token(html: str) -> str:
    return re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)


def test_each_viewer_gets_their_own_token_and_return_address(
    csrf_app, employee, make_user, make_idea
):
    ideas = [make_idea(make_user(), f"Idea {number}") for number in range(3)]
    pages = {}
    for viewer, url in ((employee, "/ideas?sort=top"), (make_user(), "/ideas?sort=newest")):
        client = csrf_app.test_client()
        signed_in(client, viewer)
        html = client.get(url).get_data(as_text=True)
        tokens = card_fields(html, "csrf_token")
        assert len(tokens) == len(ideas) + 1  # and the sign-out form's
        assert set(tokens) == {page_token(html)}
        assert set(card_fields(html, "back")) == {url.replace("&", "&amp;")}
        pages[viewer.id] = (client, tokens[0])
    (first, first_token), (second, second_token) = pages.values()
    assert first_token != second_token
    assert (
        first.post(f"/ideas/{ideas[0].id}/vote", data={"csrf_token": first_token}).status_code
        == 303
    )
    assert (
        second.post(f"/ideas/{ideas[0].id}/vote", data={"csrf_token": first_token}).status_code
        == 400
    )


def test_a_card_shows_each_viewers_vote_and_every_change_at_once(
    app, db, employee, make_user, make_idea
):
    idea = make_idea(make_user(), "Text the queue position")
    voter, other = make_user(), make_user()
    voter_client, other_client = app.test_client(), app.test_client()
    login(voter_client, voter.email)
    login(other_client, other.email)
    assert "data-vote-count>0<" in other_client.get("/ideas").get_data(as_text=True)
    cast_vote(db, voter, idea.id)
    db.commit()
    seen_by_voter = voter_client.get("/ideas").get_data(as_text=True)
    seen_by_other = other_client.get("/ideas").get_data(as_text=True)
    assert "data-vote-count>1<" in seen_by_voter and "Remove vote" in seen_by_voter
    assert "data-vote-count>1<" in seen_by_other and "Remove vote" not in seen_by_other
    idea.title = "Text the queue position every minute"
    db.commit()
    assert "every minute" in other_client.get("/ideas").get_data(as_text=True)


def test_text_that_looks_like_a_placeholder_stays_text(csrf_app, employee, make_user, make_idea):
    make_idea(make_user(), "Send <!--csrf-token--> and <!--back--> by post")
    client = csrf_app.test_client()
    signed_in(client, employee)
    html = client.get("/ideas").get_data(as_text=True)
    assert "Send &lt;!--csrf-token--&gt; and &lt;!--back--&gt; by post" in html
    assert html.count(page_token(html)) == 3  # the htmx header, sign-out and the card's form
