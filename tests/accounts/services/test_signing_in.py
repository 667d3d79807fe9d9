"""Signing in and out, passwords and throttling, on a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.accounts.passwords import password_problem, verify_password
from portal.accounts.services.signing_in import (
    InvalidCredentials,
    Throttled,
    authenticate,
    change_password,
    sign_in,
    sign_out,
)
from portal.accounts.throttling import Bucket
from portal.core.audit import AuditEntry
from portal.core.errors import DomainError
from tests.conftest import PASSWORD, UserFactory

FAILED = "That email and password do not match an active account."


def throttle(user: User, limit: str = "5 per 15 minutes") -> Bucket:
    return Bucket("password", str(user.id), limit)


def audit_actions(db: Session) -> list[tuple[str, str]]:
    return [(entry.action, entry.target) for entry in db.scalars(select(AuditEntry))]


def test_email_is_case_insensitive(db: Session, employee: User) -> None:
    user = authenticate(db, "  EMPLOYEE@Example.COM ", PASSWORD)
    assert user.id == employee.id


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("employee@example.com", "wrong-password-123"),
        ("nobody@example.com", PASSWORD),
        ("retired@example.com", PASSWORD),
    ],
    ids=["wrong password", "unknown email", "deactivated"],
)
def test_every_failure_has_the_same_message_and_is_audited(
    db: Session, make_user: UserFactory, employee: User, email: str, password: str
) -> None:
    make_user("retired@example.com", active=False)
    with pytest.raises(InvalidCredentials) as caught:
        authenticate(db, email, password)
    assert caught.value.message == FAILED
    assert audit_actions(db) == [("login_failed", email)]


def test_success_is_audited(db: Session, employee: User) -> None:
    authenticate(db, employee.email, PASSWORD)
    assert audit_actions(db) == [("login", employee.email)]


def test_passwords_are_hashed_with_argon2(employee: User) -> None:
    assert employee.password_hash.startswith("$argon2id$")
    assert verify_password(employee.password_hash, PASSWORD)
    assert not verify_password(employee.password_hash, PASSWORD + "x")
    assert not verify_password(None, PASSWORD)


def test_twelve_characters_without_composition_rules() -> None:
    assert password_problem("a" * 11) == "Use at least 12 characters."
    assert password_problem("a" * 12) is None
    assert password_problem("all lowercase words") is None


def test_a_short_new_password_is_refused_beside_its_field(db: Session, employee: User) -> None:
    with pytest.raises(DomainError) as caught:
        change_password(db, employee, PASSWORD, "too-short", throttle(employee))
    assert caught.value.field == "new_password"


def test_change_password_needs_the_current_one(db: Session, employee: User) -> None:
    with pytest.raises(DomainError) as caught:
        change_password(db, employee, "not-my-password", "a brand new password", throttle(employee))
    assert caught.value.field == "current_password"


def test_change_password_and_sign_out_end_every_session(db: Session, employee: User) -> None:
    version = employee.session_version
    change_password(db, employee, PASSWORD, "a brand new password", throttle(employee))
    assert employee.session_version == version + 1
    assert verify_password(employee.password_hash, "a brand new password")
    sign_out(db, employee)
    assert employee.session_version == version + 2


def test_sign_in_looks_up_the_nfkc_form(db: Session, employee: User) -> None:
    fullwidth = "\uff25\uff2d\uff30\uff2c\uff2f\uff39\uff25\uff25@example.com"
    assert authenticate(db, fullwidth, PASSWORD).id == employee.id


def test_sign_in_counts_failures_and_then_refuses_even_the_right_password(
    db: Session, employee: User
) -> None:
    buckets = [Bucket("account", employee.email, "2 per 15 minutes")]
    for _ in range(2):
        with pytest.raises(InvalidCredentials):
            sign_in(db, employee.email, "wrong password!", buckets)
    with pytest.raises(Throttled) as caught:
        sign_in(db, employee.email, PASSWORD, buckets)
    assert caught.value.status_code == 429
    assert 0 < caught.value.retry_after <= 15 * 60
    assert "Try again in" in caught.value.message
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "login_throttled")).one()
    assert (entry.target, entry.detail) == (employee.email, "account: 2 per 15 minutes")


def test_successes_do_not_count(db: Session, employee: User) -> None:
    buckets = [Bucket("device", "nonce", "1 per 15 minutes")]
    for _ in range(3):
        assert sign_in(db, employee.email, PASSWORD, buckets).id == employee.id


def test_wrong_current_passwords_are_throttled_per_person(
    db: Session, employee: User, make_user: UserFactory
) -> None:
    other = make_user("other@example.com")
    for _ in range(2):
        with pytest.raises(DomainError, match="not right"):
            change_password(
                db,
                employee,
                "wrong password!",
                "a brand new password",
                throttle(employee, "2 per 15 minutes"),
            )
    with pytest.raises(Throttled) as caught:
        change_password(
            db, employee, PASSWORD, "a brand new password", throttle(employee, "2 per 15 minutes")
        )
    assert caught.value.field == "current_password"
    assert caught.value.message.startswith("Too many wrong current passwords.")
    entry = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "password_change_throttled")
    ).one()
    assert (entry.actor_id, entry.detail) == (employee.id, "password: 2 per 15 minutes")
    change_password(
        db, other, PASSWORD, "a brand new password", throttle(other, "2 per 15 minutes")
    )


def test_a_right_current_password_under_the_limit_works(db: Session, employee: User) -> None:
    with pytest.raises(DomainError):
        change_password(
            db,
            employee,
            "wrong password!",
            "a brand new password",
            throttle(employee, "2 per 15 minutes"),
        )
    change_password(
        db, employee, PASSWORD, "a brand new password", throttle(employee, "2 per 15 minutes")
    )
    assert verify_password(employee.password_hash, "a brand new password")
