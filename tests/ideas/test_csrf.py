"""Idea forms and buttons carry CSRF tokens, and posts without one are refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.test_csrf import signed_in, token_from


@pytest.fixture
def csrf_app(app: Flask) -> Iterator[Flask]:
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def test_a_vote_without_a_token_is_refused(csrf_app, employee, make_user, make_idea):
    idea = make_idea(make_user())
    client = csrf_app.test_client()
    signed_in(client, employee)
    assert client.post(f"/ideas/{idea.id}/vote").status_code == 400
    db_page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "data-vote-count>0<" in db_page


def test_the_vote_button_and_htmx_header_carry_the_token(csrf_app, employee, make_user, make_idea):
    idea = make_idea(make_user())
    client = csrf_app.test_client()
    signed_in(client, employee)
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    token = token_from(html)
    response = client.post(
        f"/ideas/{idea.id}/vote", headers={"HX-Request": "true", "X-CSRFToken": token}
    )
    assert response.status_code == 200
    assert "data-vote-count>1<" in response.get_data(as_text=True)


def test_the_idea_form_carries_a_token(csrf_app, employee, category):
    client = csrf_app.test_client()
    signed_in(client, employee)
    assert token_from(client.get("/ideas/new").get_data(as_text=True))
