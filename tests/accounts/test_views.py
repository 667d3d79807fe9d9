"""Sign-in, sessions, `next`, throttling and the people directory, through HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.audit import AuditEntry
from tests.conftest import PASSWORD, UserFactory, login

SignIn = Callable[[User], FlaskClient]
TOO_MANY = "Too many attempts. Wait a few minutes and try again."


def session_cookie(client: FlaskClient) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def client_with_cookie(app: Flask, value: str) -> FlaskClient:
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def is_signed_in(client: FlaskClient) -> bool:
    return client.get("/").status_code == 200


def test_login_page_has_the_contract_labels(client: FlaskClient) -> None:
    body = client.get("/login").get_data(as_text=True)
    assert ">Email</label>" in body
    assert ">Password</label>" in body
    assert ">Sign in</button>" in body


def test_sign_in_with_any_case_and_sign_out(client: FlaskClient, employee: User) -> None:
    response = login(client, "EMPLOYEE@example.COM")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "Sign out" in client.get("/").get_data(as_text=True)
    assert client.post("/logout").status_code == 303
    assert not is_signed_in(client)


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("employee@example.com", "wrong-password-123"),
        ("nobody@example.com", PASSWORD),
        ("retired@example.com", PASSWORD),
    ],
)
def test_failures_look_the_same_and_are_audited_with_address(
    app: Flask, db: Session, make_user: UserFactory, employee: User, email: str, password: str
) -> None:
    make_user("retired@example.com", active=False)
    client = app.test_client()
    response = client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "That email and password do not match an active account." in body
    assert f'value="{email}"' in body
    entry = db.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.target, entry.ip) == ("login_failed", email, "203.0.113.9")


def test_success_is_audited_with_address(app: Flask, db: Session, employee: User) -> None:
    app.test_client().post(
        "/login",
        data={"email": employee.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    entry = db.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.actor_id, entry.ip) == ("login", employee.id, "198.51.100.7")


def test_session_is_rotated_at_sign_in(app: Flask, client: FlaskClient, employee: User) -> None:
    with client.session_transaction() as before:
        before["planted"] = "by an attacker"
    planted_cookie = session_cookie(client)
    login(client, employee.email)
    assert session_cookie(client) != planted_cookie
    with client.session_transaction() as after:
        assert "planted" not in after


def test_a_page_view_does_not_resend_the_session_cookie(
    client: FlaskClient, employee: User
) -> None:
    login(client, employee.email)
    client.get("/ideas")  # the first page after sign-in stores the CSRF token
    response = client.get("/ideas")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_a_sign_in_ends_its_lifetime_after_it_began_even_if_the_session_changed(
    app: Flask, client: FlaskClient, employee: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    hours = app.permanent_session_lifetime.total_seconds() / 3600
    started = time.time()

    def hours_later(count: float) -> None:
        monkeypatch.setattr(time, "time", lambda: started + count * 3600)

    login(client, employee.email)
    hours_later(hours / 2)
    with client.session_transaction() as session:  # re-signed: the cookie's own clock restarts
        session["seen"] = True
    hours_later(hours - 0.1)
    assert is_signed_in(client)
    hours_later(hours + 0.1)
    assert not is_signed_in(client)


def test_copied_cookie_stops_working_after_sign_out(
    app: Flask, client: FlaskClient, employee: User
) -> None:
    login(client, employee.email)
    copy = client_with_cookie(app, session_cookie(client))
    assert is_signed_in(copy)
    client.post("/logout")
    assert not is_signed_in(copy)


def test_copied_cookie_stops_working_after_deactivation(
    app: Flask, employee: User, admin: User
) -> None:
    victim = app.test_client()
    login(victim, employee.email)
    copy = client_with_cookie(app, session_cookie(victim))
    admin_client = app.test_client()
    login(admin_client, admin.email)
    assert admin_client.post(f"/admin/users/{employee.id}/deactivate").status_code == 303
    assert not is_signed_in(victim)
    assert not is_signed_in(copy)


def test_password_change_signs_out_other_sessions_only(app: Flask, employee: User) -> None:
    laptop = app.test_client()
    login(laptop, employee.email)
    phone = client_with_cookie(app, session_cookie(laptop))
    response = laptop.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a whole new passphrase",
            "confirm_password": "a whole new passphrase",
        },
    )
    assert response.status_code == 303
    assert is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert login(app.test_client(), employee.email, "a whole new passphrase").status_code == 303


def test_short_new_password_is_shown_beside_the_field(login_as: SignIn, employee: User) -> None:
    client = login_as(employee)
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
    )
    assert response.status_code == 200
    assert 'id="new_password-error">Use at least 12 characters.' in response.get_data(as_text=True)


def test_next_on_this_site_is_followed(client: FlaskClient, employee: User) -> None:
    response = client.post(
        "/login?next=/people", data={"email": employee.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/people"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil",
        "/\t/evil.example",
    ],
)
def test_next_off_site_leads_home(client: FlaskClient, employee: User, target: str) -> None:
    response = client.post(
        "/login", data={"email": employee.email, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_anonymous_visitor_is_sent_to_login_with_next(client: FlaskClient) -> None:
    response = client.get("/people?q=ann")
    assert response.status_code in (302, 303)
    assert response.headers["Location"].startswith("/login?next=")


@pytest.fixture
def strict_limits(app: Flask) -> Iterator[Flask]:
    saved = app.config["LOGIN_LIMIT_PER_ACCOUNT"], app.config["LOGIN_LIMIT_PER_ADDRESS"]
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "5 per 15 minutes"
    yield app
    app.config["LOGIN_LIMIT_PER_ACCOUNT"], app.config["LOGIN_LIMIT_PER_ADDRESS"] = saved


def attempt(app: Flask, email: str, password: str, address: str):
    return app.test_client().post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_wrong_passwords_for_one_account_are_throttled_from_any_address(
    strict_limits: Flask, employee: User, db: Session
) -> None:
    for number in range(3):
        response = attempt(strict_limits, employee.email, "wrong-password-1", f"10.0.0.{number}")
        assert response.status_code == 200
    response = attempt(strict_limits, "Employee@Example.com", PASSWORD, "10.0.0.99")
    assert response.status_code == 429
    assert TOO_MANY in response.get_data(as_text=True)
    throttled = db.scalars(select(AuditEntry).where(AuditEntry.action == "rate_limited")).one()
    assert (throttled.target, throttled.ip) == ("POST /login", "10.0.0.99")


def test_many_accounts_from_one_address_are_throttled(strict_limits: Flask, employee: User) -> None:
    for number in range(5):
        response = attempt(strict_limits, f"guess{number}@example.com", "x" * 12, "10.0.0.5")
        assert response.status_code == 200
    response = attempt(strict_limits, employee.email, PASSWORD, "10.0.0.5")
    assert response.status_code == 429
    assert TOO_MANY in response.get_data(as_text=True)
    assert attempt(strict_limits, employee.email, PASSWORD, "10.0.0.6").status_code == 303


def test_successful_sign_ins_do_not_count(strict_limits: Flask, employee: User) -> None:
    for _ in range(8):
        assert attempt(strict_limits, employee.email, PASSWORD, "10.0.0.7").status_code == 303


def test_invitation_link_sets_password_and_signs_in(app: Flask, employee: User, db) -> None:
    from portal.accounts.services import issue_invitation

    token = issue_invitation(db, employee, "http://portal.test", 7)
    db.commit()
    client = app.test_client()
    assert "Set your password" in client.get(f"/invitations/{token}").get_data(as_text=True)
    data = {"password": "my chosen passphrase", "confirm_password": "my chosen passphrase"}
    assert client.post(f"/invitations/{token}", data=data).status_code == 303
    assert is_signed_in(client)
    again = app.test_client().post(f"/invitations/{token}", data=data)
    assert again.status_code == 404
    assert "not valid any more" in again.get_data(as_text=True)


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


def test_anonymous_htmx_request_is_sent_to_login(client: FlaskClient) -> None:
    response = client.get("/people", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/login?next=")
