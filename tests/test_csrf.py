"""CSRF protection is on in this module, as in production."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import User
from tests.conftest import PASSWORD


@pytest.fixture
def csrf_app(app: Flask) -> Iterator[Flask]:
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def test_login_without_token_is_refused(csrf_app: Flask, employee: User) -> None:
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": employee.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_login_with_token_works(csrf_app: Flask, employee: User) -> None:
    client = csrf_app.test_client()
    token = token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": employee.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303


def signed_in(client: FlaskClient, user: User) -> str:
    token = token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    return token_from(client.get("/").get_data(as_text=True))


def test_logout_without_token_is_refused(csrf_app: Flask, employee: User) -> None:
    client = csrf_app.test_client()
    signed_in(client, employee)
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_htmx_header_token_is_accepted(csrf_app: Flask, employee: User) -> None:
    client = csrf_app.test_client()
    token = signed_in(client, employee)
    response = client.post("/logout", headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/login"
