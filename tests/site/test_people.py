"""The people directory and profiles, through HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import Role, User
from tests.conftest import UserFactory, login

SignIn = Callable[[User], FlaskClient]


@pytest.fixture
def org(make_user: UserFactory) -> dict[str, User]:
    boss = make_user("boss@example.com", role=Role.MANAGER, name="Blair Boss")
    return {
        "boss": boss,
        "ann": make_user("ann@example.com", manager=boss, name="Ann Archer"),
        "bob": make_user("bob@example.com", manager=boss, name="Bob Baker", department="Claims"),
    }


def test_profile_shows_manager_and_direct_reports(login_as: SignIn, org: dict[str, User]) -> None:
    client = login_as(org["ann"])
    boss = client.get(f"/people/{org['boss'].id}").get_data(as_text=True)
    assert "Ann Archer" in boss and "Bob Baker" in boss
    ann = client.get(f"/people/{org['ann'].id}").get_data(as_text=True)
    assert f'href="/people/{org["boss"].id}">Blair Boss</a>' in ann
    assert "No direct reports." in ann


def test_unknown_profile_is_404(login_as: SignIn, employee: User) -> None:
    assert login_as(employee).get("/people/999999").status_code == 404


@pytest.mark.parametrize(("query", "found"), [("archer", "Ann"), ("BOB@", "Bob"), ("repr", "Ann")])
def test_directory_search(login_as: SignIn, org: dict[str, User], query: str, found: str) -> None:
    body = login_as(org["ann"]).get(f"/people?q={query}").get_data(as_text=True)
    assert found in body
    if query != "repr":
        assert "Blair Boss" not in body


def test_directory_search_treats_wildcards_as_text(login_as: SignIn, org: dict[str, User]) -> None:
    body = login_as(org["ann"]).get("/people?q=%25").get_data(as_text=True)
    assert "No one matches" in body


def test_directory_pages_with_next_link(
    app: Flask, login_as: SignIn, make_user: UserFactory
) -> None:
    for number in range(5):
        make_user(f"p{number}@example.com", name=f"Person {number}")
    client = login_as(make_user("viewer@example.com", name="Zed Viewer"))
    app.config["PAGE_SIZE"] = 2
    try:
        seen: list[str] = []
        url = "/people"
        while url:
            body = client.get(url).get_data(as_text=True)
            seen += [f"Person {n}" for n in range(5) if f"Person {n}<" in body]
            marker = '<a rel="next" href="'
            url = (
                body.split(marker)[1].split('"')[0].replace("&amp;", "&") if marker in body else ""
            )
        assert seen == [f"Person {n}" for n in range(5)]
    finally:
        app.config["PAGE_SIZE"] = 25


def test_directory_htmx_gets_only_the_fragment(login_as: SignIn, org: dict[str, User]) -> None:
    client = login_as(org["ann"])
    full = client.get("/people?q=bob")
    assert "<html" in full.get_data(as_text=True)
    assert "HX-Request" in full.headers["Vary"]
    fragment = client.get("/people?q=bob", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="people-results"')
    assert "<html" not in body and "Bob Baker" in body
    assert "HX-Request" in fragment.headers["Vary"]


@pytest.mark.parametrize(
    "headers", [{"HX-History-Restore-Request": "true"}, {"HX-Boosted": "true"}]
)
def test_htmx_history_restore_and_boost_get_the_full_page(
    login_as: SignIn, org: dict[str, User], headers: dict[str, str]
) -> None:
    # Back after a search pushed its URL: htmx asks for the whole page to put in <body>.
    client = login_as(org["ann"])
    response = client.get("/people?q=bob", headers={"HX-Request": "true", **headers})
    assert "<html" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/people", "/admin/users"])
def test_lists_run_the_same_statements_for_few_and_many(
    app: Flask, make_user: UserFactory, count_statements, url: str
) -> None:
    admin = make_user("lister@example.com", role=Role.ADMIN)
    boss = make_user("chief@example.com", role=Role.MANAGER)
    client = app.test_client()
    login(client, admin.email)

    def add_people(number: int) -> None:
        for index in range(number):
            make_user(manager=boss, department=f"Dept {index % 4}")

    def statements() -> int:
        with count_statements() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    add_people(3)  # 5 people
    few = statements()
    add_people(55)  # 60 people, more than a page
    assert statements() == few
