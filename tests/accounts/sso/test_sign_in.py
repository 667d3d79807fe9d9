"""Single sign-on against a real OpenID provider running on a loopback port."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx2 as httpx
import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.accounts.sso.models import OidcIdentity
from portal.core.audit import AuditEntry
from tests.accounts.sso.conftest import (
    CLIENT_ID,
    Provider,
    return_to_portal,
    sign_in_through,
    start_sign_in,
)
from tests.conftest import UserFactory


def is_signed_out(client) -> bool:
    response = client.get("/")
    return response.status_code == 303 and response.headers["Location"].startswith("/login")


def audit_actions(db: Session) -> list[tuple[str, str, str]]:
    db.expire_all()
    entries = db.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [(entry.action, entry.target, entry.detail) for entry in entries]


def test_login_page_offers_single_sign_on_only_when_configured(app: Flask, sso_app: Flask) -> None:
    assert "Sign in with single sign-on" not in app.test_client().get("/login").text
    page = sso_app.test_client().get("/login").text
    assert "Sign in with single sign-on" in page
    assert 'name="password"' in page


def test_first_sign_in_matches_the_verified_email_and_links_the_subject(
    sso_app: Flask, provider: Provider, make_user: UserFactory, db: Session
) -> None:
    person = make_user("first.match@example.com")
    provider.add_person("sub-first", email="First.Match@example.com", email_verified=True)
    client = sso_app.test_client()

    response = sign_in_through(client, provider, "sub-first", next_page="/ideas")

    assert response.status_code == 303
    assert response.headers["Location"] == "/ideas"
    assert client.get("/").status_code == 200
    link = db.scalars(select(OidcIdentity)).one()
    assert (link.user_id, link.issuer, link.subject) == (person.id, provider.url, "sub-first")
    assert ("login", person.email, "single sign-on") in audit_actions(db)


def test_a_linked_subject_signs_in_even_when_the_provider_changes_the_email(
    sso_app: Flask, provider: Provider, make_user: UserFactory, db: Session
) -> None:
    person = make_user("linked@example.com")
    provider.add_person("sub-linked", email="linked@example.com", email_verified=True)
    assert sign_in_through(sso_app.test_client(), provider, "sub-linked").status_code == 303
    provider.add_person("sub-linked", email="renamed@example.com", email_verified=False)

    client = sso_app.test_client()
    assert sign_in_through(client, provider, "sub-linked").status_code == 303
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        assert session["_user_id"].startswith(f"{person.id}:")


def test_an_unknown_email_is_refused_with_a_clear_page(
    sso_app: Flask, provider: Provider, db: Session
) -> None:
    provider.add_person("sub-stranger", email="stranger@example.com", email_verified=True)
    client = sso_app.test_client()

    response = sign_in_through(client, provider, "sub-stranger")

    assert response.status_code == 403
    assert "No one in the portal has the email stranger@example.com" in response.text
    assert is_signed_out(client)
    assert db.scalars(select(OidcIdentity)).all() == []
    assert ("sso_refused", "stranger@example.com") in [
        (action, target) for action, target, _ in audit_actions(db)
    ]


def test_an_unverified_email_is_not_matched(
    sso_app: Flask, provider: Provider, make_user: UserFactory, db: Session
) -> None:
    make_user("unverified@example.com")
    provider.add_person("sub-unverified", email="unverified@example.com", email_verified=False)
    client = sso_app.test_client()

    response = sign_in_through(client, provider, "sub-unverified")

    assert response.status_code == 403
    assert "has not verified unverified@example.com" in response.text
    assert db.scalars(select(OidcIdentity)).all() == []


def test_unknown_people_join_as_employees_without_a_manager_when_allowed(
    sso_app: Flask,
    provider: Provider,
    make_user: UserFactory,
    login_as,
    db: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sso_app.config, "OIDC_CREATE_USERS", True)
    provider.add_person(
        "sub-joiner", email="joiner@example.com", email_verified=True, name="Jo Iner"
    )
    client = sso_app.test_client()

    assert sign_in_through(client, provider, "sub-joiner").status_code == 303

    joiner = db.scalars(select(User).where(User.email == "joiner@example.com")).one()
    assert (joiner.display_name, joiner.role, joiner.manager_id) == ("Jo Iner", Role.EMPLOYEE, None)
    assert client.get("/").status_code == 200
    admin = make_user("sso.admin@example.com", role=Role.ADMIN)
    listing = login_as(admin).get("/admin/identity")
    assert "Jo Iner" in listing.text and "joiner@example.com" in listing.text


def test_a_deactivated_person_cannot_sign_in(
    sso_app: Flask, provider: Provider, make_user: UserFactory, db: Session
) -> None:
    person = make_user("leaver@example.com")
    provider.add_person("sub-leaver", email="leaver@example.com", email_verified=True)
    assert sign_in_through(sso_app.test_client(), provider, "sub-leaver").status_code == 303
    person = db.get(User, person.id)
    person.active = False
    db.commit()

    client = sso_app.test_client()
    response = sign_in_through(client, provider, "sub-leaver")

    assert response.status_code == 403
    assert "deactivated" in response.text
    assert is_signed_out(client)


def test_a_deactivated_person_is_not_linked_by_email(
    sso_app: Flask, provider: Provider, make_user: UserFactory, db: Session
) -> None:
    make_user("gone@example.com", active=False)
    provider.add_person("sub-gone", email="gone@example.com", email_verified=True)

    response = sign_in_through(sso_app.test_client(), provider, "sub-gone")

    assert response.status_code == 403
    assert db.scalars(select(OidcIdentity)).all() == []


def test_a_tampered_state_signs_no_one_in(
    sso_app: Flask, provider: Provider, make_user: UserFactory, db: Session
) -> None:
    make_user("tamper@example.com")
    provider.add_person("sub-tamper", email="tamper@example.com", email_verified=True)
    client = sso_app.test_client()
    location = provider.choose(start_sign_in(client), "sub-tamper")
    parts = urlsplit(location)
    query = parse_qs(parts.query)
    forged = f"{parts.path}?code={query['code'][0]}&state=forged-{query['state'][0]}"

    response = client.get(forged)

    assert response.status_code == 400
    assert "could not be trusted" in response.text
    assert is_signed_out(client)
    assert "sso_failed" in [action for action, _, _ in audit_actions(db)]


def test_a_callback_without_a_started_sign_in_is_refused(sso_app: Flask, db: Session) -> None:
    client = sso_app.test_client()
    response = client.get("/login/oidc/callback?code=made-up&state=made-up")
    assert response.status_code == 400
    assert is_signed_out(client)


def test_a_replayed_code_is_refused(
    sso_app: Flask, provider: Provider, make_user: UserFactory, db: Session
) -> None:
    make_user("replay@example.com")
    provider.add_person("sub-replay", email="replay@example.com", email_verified=True)
    client = sso_app.test_client()
    location = provider.choose(start_sign_in(client), "sub-replay")
    assert return_to_portal(client, location).status_code == 303

    other = sso_app.test_client()
    start_sign_in(other)
    assert return_to_portal(other, location).status_code == 400


def test_a_token_for_another_audience_is_refused(
    sso_app: Flask,
    provider: Provider,
    make_user: UserFactory,
    db: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from oidc_provider_mock._app import OpenIDCode

    make_user("audience@example.com")
    provider.add_person("sub-audience", email="audience@example.com", email_verified=True)
    issue_for_us = OpenIDCode.get_jwt_config

    def issue_for_another_client(self, grant, client=None):
        return {**issue_for_us(self, grant, client), "aud": ["another-client"]}

    # The provider signs its ID token, with its real key, for a different client.
    monkeypatch.setattr(OpenIDCode, "get_jwt_config", issue_for_another_client)
    client = sso_app.test_client()

    response = sign_in_through(client, provider, "sub-audience")

    assert response.status_code == 400
    assert is_signed_out(client)
    failures = [detail for action, _, detail in audit_actions(db) if action == "sso_failed"]
    assert failures and "aud" in failures[0]


def test_an_id_token_with_another_nonce_is_refused(
    sso_app: Flask,
    provider: Provider,
    make_user: UserFactory,
    db: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from oidc_provider_mock._app import OpenIDCode

    make_user("nonce@example.com")
    provider.add_person("sub-nonce", email="nonce@example.com", email_verified=True)
    claims_for_us = OpenIDCode.get_authorization_code_claims

    def claims_from_another_sign_in(self, authorization_code):
        return {**claims_for_us(self, authorization_code), "nonce": "from-another-sign-in"}

    # A token replayed from another sign-in: signed, for us, but not for this browser's nonce.
    monkeypatch.setattr(OpenIDCode, "get_authorization_code_claims", claims_from_another_sign_in)
    client = sso_app.test_client()

    response = sign_in_through(client, provider, "sub-nonce")

    assert response.status_code == 400
    assert is_signed_out(client)
    failures = [detail for action, _, detail in audit_actions(db) if action == "sso_failed"]
    assert failures and "nonce" in failures[0]


def test_an_expired_id_token_is_refused(
    stale_sso_app: Flask, stale_provider: Provider, make_user: UserFactory, db: Session
) -> None:
    make_user("expired@example.com")
    stale_provider.add_person("sub-expired", email="expired@example.com", email_verified=True)
    client = stale_sso_app.test_client()

    response = sign_in_through(client, stale_provider, "sub-expired")

    assert response.status_code == 400
    assert is_signed_out(client)
    failures = [detail for action, _, detail in audit_actions(db) if action == "sso_failed"]
    assert failures and "exp" in failures[0]


def test_sign_in_goes_on_after_the_provider_rotates_its_key(
    sso_app: Flask, provider: Provider, make_user: UserFactory, db: Session
) -> None:
    make_user("rotation@example.com")
    provider.add_person("sub-rotation", email="rotation@example.com", email_verified=True)
    assert sign_in_through(sso_app.test_client(), provider, "sub-rotation").status_code == 303

    provider.rotate_key()
    client = sso_app.test_client()

    assert sign_in_through(client, provider, "sub-rotation").status_code == 303
    assert client.get("/").status_code == 200


def test_a_provider_that_is_down_gives_a_clear_page_and_no_session(
    unreachable_sso_app: Flask, db: Session
) -> None:
    client = unreachable_sso_app.test_client()

    response = client.post("/login/oidc")

    assert response.status_code == 502
    assert "not answering" in response.text
    assert is_signed_out(client)
    assert "sso_failed" in [action for action, _, _ in audit_actions(db)]


def test_single_sign_on_starts_a_fresh_session_that_follows_the_session_rules(
    sso_app: Flask, provider: Provider, make_user: UserFactory, db: Session
) -> None:
    person = make_user("session@example.com")
    provider.add_person("sub-session", email="session@example.com", email_verified=True)
    client = sso_app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "from before sign-in"

    assert sign_in_through(client, provider, "sub-session").status_code == 303

    with client.session_transaction() as session:
        assert "planted" not in session
        assert isinstance(session["signed_in_at"], int)
        assert session.permanent
    # Ending every session of the person (a sign-out elsewhere) ends this one too.
    person = db.get(User, person.id)
    person.session_version += 1
    db.commit()
    assert is_signed_out(client)


def test_sign_out_also_ends_the_provider_session(
    sso_app: Flask, provider: Provider, make_user: UserFactory, db: Session
) -> None:
    make_user("logout@example.com")
    provider.add_person("sub-logout", email="logout@example.com", email_verified=True)
    client = sso_app.test_client()
    assert sign_in_through(client, provider, "sub-logout").status_code == 303

    response = client.post("/logout")

    assert response.status_code == 303
    end_session = urlsplit(response.headers["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}" == provider.url
    query = parse_qs(end_session.query)
    assert query["post_logout_redirect_uri"] == ["http://localhost/login"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["id_token_hint"]
    assert is_signed_out(client)
    # The provider's own sign-out page confirms and sends the person back to our sign-in page.
    confirm = httpx.post(
        f"{provider.url}/oauth2/end_session/confirm",
        data={"redirect_uri": query["post_logout_redirect_uri"][0]},
    )
    assert confirm.status_code == 302
    assert confirm.headers["location"].startswith("http://localhost/login")


def test_password_sign_out_stays_local(sso_app: Flask, make_user: UserFactory, db: Session) -> None:
    person = make_user("password.user@example.com")
    client = sso_app.test_client()
    assert (
        client.post(
            "/login", data={"email": person.email, "password": "correct-horse-battery"}
        ).status_code
        == 303
    )
    response = client.post("/logout")
    assert response.headers["Location"] == "/login"


def test_single_sign_on_only_turns_password_sign_in_off(
    sso_app: Flask, make_user: UserFactory, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = make_user("only.sso@example.com")
    monkeypatch.setitem(sso_app.config, "OIDC_ONLY", True)
    client = sso_app.test_client()

    page = client.get("/login").text
    assert "Sign in with single sign-on" in page
    assert 'name="password"' not in page
    response = client.post(
        "/login", data={"email": person.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 403
    assert is_signed_out(client)
