"""Sign-in, sessions, `next` and throttling, through HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.audit import AuditEntry
from tests.conftest import PASSWORD, UserFactory, login

SignIn = Callable[[User], FlaskClient]


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


STRICT_LIMITS = {
    "LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
    "LOGIN_LIMIT_PER_ADDRESS": "5 per 15 minutes",
    "LOGIN_LIMIT_PER_DEVICE": "4 per 15 minutes",
    "PASSWORD_CHANGE_LIMIT": "2 per 15 minutes",
}


@pytest.fixture
def strict_limits(app: Flask) -> Iterator[Flask]:
    saved = {key: app.config[key] for key in STRICT_LIMITS}
    app.config.update(STRICT_LIMITS)
    yield app
    app.config.update(saved)


def attempt(app_or_client: Flask | FlaskClient, email: str, password: str, address: str):
    client = app_or_client.test_client() if isinstance(app_or_client, Flask) else app_or_client
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def throttled_audits(db: Session) -> list[tuple[str, str, str | None]]:
    """(target, detail, address) of each throttled attempt; the read ends with a commit."""
    query = select(AuditEntry.target, AuditEntry.detail, AuditEntry.ip).where(
        AuditEntry.action == "login_throttled"
    )
    entries = [tuple(row) for row in db.execute(query)]
    db.commit()
    return entries


def test_wrong_passwords_for_one_account_are_throttled_from_any_address(
    strict_limits: Flask, employee: User, db: Session
) -> None:
    for number in range(3):
        response = attempt(strict_limits, employee.email, "wrong-password-1", f"10.0.0.{number}")
        assert response.status_code == 200
    response = attempt(strict_limits, "Employee@Example.com", PASSWORD, "10.0.0.99")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    body = response.get_data(as_text=True)
    assert "Too many failed sign-ins to this account from browsers it has not been used on." in body
    assert 'role="alert"' in body and 'value="Employee@Example.com"' in body
    assert throttled_audits(db) == [
        ("employee@example.com", "account: 3 per 15 minutes", "10.0.0.99")
    ]


def test_fullwidth_or_upper_case_spellings_share_the_account_limit(
    strict_limits: Flask, employee: User
) -> None:
    spellings = ["employee@example.com", "EMPLOYEE@example.com", "\uff45mployee@example.com"]
    for number, spelling in enumerate(spellings):
        assert (
            attempt(strict_limits, spelling, "wrong-password-1", f"10.0.1.{number}").status_code
            == 200
        )
    fullwidth = "\uff25\uff2d\uff30\uff2c\uff2f\uff39\uff25\uff25@example.com"
    assert attempt(strict_limits, fullwidth, PASSWORD, "10.0.1.9").status_code == 429


def test_many_accounts_from_one_address_are_throttled(
    strict_limits: Flask, employee: User, db: Session
) -> None:
    for number in range(5):
        response = attempt(strict_limits, f"guess{number}@example.com", "x" * 12, "10.0.0.5")
        assert response.status_code == 200
    response = attempt(strict_limits, employee.email, PASSWORD, "10.0.0.5")
    assert response.status_code == 429
    assert "Too many failed sign-ins from your network." in response.get_data(as_text=True)
    assert throttled_audits(db)[0][1] == "address: 5 per 15 minutes"
    assert attempt(strict_limits, employee.email, PASSWORD, "10.0.0.6").status_code == 303


def test_successful_sign_ins_do_not_count(strict_limits: Flask, employee: User) -> None:
    for _ in range(8):
        assert attempt(strict_limits, employee.email, PASSWORD, "10.0.0.7").status_code == 303


def known_browser(app: Flask, user: User, address: str = "192.0.2.10") -> FlaskClient:
    """A browser that has signed in to the account once, then signed out."""
    browser = app.test_client()
    assert attempt(browser, user.email, PASSWORD, address).status_code == 303
    assert browser.post("/logout").status_code == 303
    return browser


def test_a_stranger_cannot_lock_a_colleague_out_of_their_own_browser(
    strict_limits: Flask, make_user: UserFactory, db: Session
) -> None:
    colleague = make_user("colleague@example.com")
    own_browser = known_browser(strict_limits, colleague, "10.9.9.9")
    attacker = strict_limits.test_client()
    # The same office address: the account and the address limits are both used up.
    for number in range(3):
        attempt(attacker, colleague.email, f"guess number {number}", "10.9.9.9")
    for number in range(2):
        attempt(attacker, f"someone{number}@example.com", "guess number x", "10.9.9.9")
    assert attempt(attacker, colleague.email, PASSWORD, "10.9.9.9").status_code == 429
    assert attempt(strict_limits, colleague.email, PASSWORD, "10.9.9.8").status_code == 429
    response = attempt(own_browser, colleague.email, PASSWORD, "10.9.9.9")
    assert response.status_code == 303
    assert is_signed_in(own_browser)
    assert attempt(attacker, colleague.email, PASSWORD, "10.9.9.9").status_code == 429
    assert {detail.split(":")[0] for _, detail, _ in throttled_audits(db)} == {"account"}


def test_failures_from_a_known_browser_count_against_that_browser_alone(
    strict_limits: Flask, employee: User, db: Session
) -> None:
    laptop = known_browser(strict_limits, employee)
    phone = known_browser(strict_limits, employee)
    for _ in range(4):
        assert attempt(laptop, employee.email, "fat fingers 123", "192.0.2.10").status_code == 200
    response = attempt(laptop, employee.email, PASSWORD, "192.0.2.10")
    assert response.status_code == 429
    assert "Too many failed sign-ins from this browser." in response.get_data(as_text=True)
    assert throttled_audits(db)[0][1] == "device: 4 per 15 minutes"
    assert attempt(phone, employee.email, PASSWORD, "192.0.2.10").status_code == 303
    # The laptop's failures did not use up the account's limit for unknown browsers.
    assert attempt(strict_limits, employee.email, PASSWORD, "192.0.2.11").status_code == 303


def test_a_device_cookie_vouches_only_for_its_own_account(
    strict_limits: Flask, employee: User, make_user: UserFactory
) -> None:
    colleague = make_user("colleague@example.com")
    browser = known_browser(strict_limits, employee)
    for _ in range(3):
        attempt(browser, colleague.email, "not their password", "192.0.2.10")
    assert attempt(browser, colleague.email, PASSWORD, "192.0.2.10").status_code == 429
    assert attempt(browser, employee.email, PASSWORD, "192.0.2.10").status_code == 303


def device_cookie_header(response) -> str:
    [header] = [
        value
        for value in response.headers.getlist("Set-Cookie")
        if value.startswith("portal_device=")
    ]
    return header


def test_the_device_cookie_is_signed_http_only_lax_long_lived_and_only_for_login(
    app: Flask, employee: User
) -> None:
    header = device_cookie_header(login(app.test_client(), employee.email))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/login" in header
    assert f"Max-Age={365 * 24 * 3600}" in header
    assert "Secure" not in header  # Secure in production, like the session cookie
    value = header.split(";")[0].split("=", 1)[1]
    [(email, nonce, _issued)] = URLSafeSerializer(
        app.secret_key, salt="portal-device-cookie"
    ).loads(value)
    assert email == employee.email and len(nonce) >= 16


def test_the_device_cookie_is_secure_in_production(app: Flask, employee: User) -> None:
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        response = login(app.test_client(), employee.email)
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False
    assert "; Secure" in device_cookie_header(response)


def test_a_forged_device_cookie_counts_as_none(strict_limits: Flask, employee: User) -> None:
    forged = URLSafeSerializer("not the key", salt="portal-device-cookie").dumps(
        [[employee.email, "nonce", int(time.time())]]
    )
    browser = strict_limits.test_client()
    browser.set_cookie("portal_device", forged, path="/login")
    for _ in range(3):
        attempt(browser, employee.email, "wrong password!", "192.0.2.10")
    assert attempt(browser, employee.email, PASSWORD, "192.0.2.10").status_code == 429


def test_an_expired_device_entry_counts_as_none(
    strict_limits: Flask, employee: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = known_browser(strict_limits, employee)
    a_year_later = time.time() + 366 * 24 * 3600
    monkeypatch.setattr(time, "time", lambda: a_year_later)
    for _ in range(3):
        attempt(browser, employee.email, "wrong password!", "192.0.2.10")
    assert attempt(browser, employee.email, PASSWORD, "192.0.2.10").status_code == 429


def test_one_browser_remembers_its_last_five_accounts(app: Flask, make_user: UserFactory) -> None:
    browser = app.test_client()
    people = [make_user(f"shared{number}@example.com") for number in range(6)]
    for person in people:
        known = attempt(browser, person.email, PASSWORD, "192.0.2.10")
        browser.post("/logout")
    value = device_cookie_header(known).split(";")[0].split("=", 1)[1]
    entries = URLSafeSerializer(app.secret_key, salt="portal-device-cookie").loads(value)
    assert [email for email, _, _ in entries] == [p.email for p in reversed(people[1:])]


def change_password_form(current: str, new: str = "a whole new passphrase") -> dict[str, str]:
    return {"current_password": current, "new_password": new, "confirm_password": new}


def test_wrong_current_passwords_are_throttled_with_a_message_beside_the_field(
    strict_limits: Flask, employee: User, make_user: UserFactory, db: Session
) -> None:
    client = strict_limits.test_client()
    login(client, employee.email)
    for _ in range(2):
        response = client.post("/account/password", data=change_password_form("wrong password!"))
        assert "Your current password is not right." in response.get_data(as_text=True)
    response = client.post("/account/password", data=change_password_form(PASSWORD))
    assert response.status_code == 429
    assert 'id="current_password-error">Too many wrong current passwords. Try again in' in (
        response.get_data(as_text=True)
    )
    entry = db.execute(
        select(AuditEntry.actor_id, AuditEntry.detail).where(
            AuditEntry.action == "password_change_throttled"
        )
    ).one()
    assert tuple(entry) == (employee.id, "password: 2 per 15 minutes")
    db.commit()
    other = strict_limits.test_client()
    login(other, make_user("other@example.com").email)
    assert other.post("/account/password", data=change_password_form(PASSWORD)).status_code == 303


def test_a_right_current_password_under_the_limit_changes_it(
    strict_limits: Flask, employee: User
) -> None:
    client = strict_limits.test_client()
    login(client, employee.email)
    client.post("/account/password", data=change_password_form("wrong password!"))
    assert client.post("/account/password", data=change_password_form(PASSWORD)).status_code == 303


TOO_LONG = "x" * 1025


def test_an_over_long_password_at_sign_in_is_refused_unhashed(
    client: FlaskClient, employee: User, db: Session
) -> None:
    for password in (TOO_LONG, "y" * 5_000_000):
        response = client.post("/login", data={"email": employee.email, "password": password})
        assert response.status_code == 200
        assert 'id="password-error">Passwords are at most 1024 characters.' in response.get_data(
            as_text=True
        )
    assert db.scalars(select(AuditEntry)).all() == []  # never compared with any hash


def test_an_over_long_email_at_sign_in_is_refused(client: FlaskClient) -> None:
    response = client.post("/login", data={"email": "a" * 300 + "@example.com", "password": "x"})
    assert "An email address is at most 254 characters." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (change_password_form(PASSWORD, TOO_LONG), "new_password", "Use at most 1024 characters"),
        (change_password_form(TOO_LONG), "current_password", "Passwords are at most 1024"),
    ],
)
def test_over_long_passwords_on_the_change_form_say_the_maximum(
    login_as: SignIn, employee: User, form: dict[str, str], field: str, message: str
) -> None:
    body = login_as(employee).post("/account/password", data=form).get_data(as_text=True)
    assert f'id="{field}-error">{message}' in body


def test_an_over_long_password_on_the_invitation_says_the_maximum(
    app: Flask, employee: User, db: Session
) -> None:
    from portal.accounts.services.invitations import issue_invitation

    token = issue_invitation(db, employee, "http://portal.test", 7)
    db.commit()
    data = {"password": TOO_LONG, "confirm_password": TOO_LONG}
    body = app.test_client().post(f"/invitations/{token}", data=data).get_data(as_text=True)
    assert 'id="password-error">Use at most 1024 characters' in body


def test_invitation_link_sets_password_and_signs_in(app: Flask, employee: User, db) -> None:
    from portal.accounts.services.invitations import issue_invitation

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


def test_anonymous_htmx_request_is_sent_to_login(client: FlaskClient) -> None:
    response = client.get("/people", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/login?next=")
