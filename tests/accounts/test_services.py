"""Sign-in, passwords, invitations and org-chart rules, on a real database."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from portal.accounts.models import Department, InvitationToken, Role, User
from portal.accounts.passwords import password_problem, verify_password
from portal.accounts.services import (
    InvalidCredentials,
    PersonDetails,
    accept_invitation,
    authenticate,
    change_password,
    create_person,
    issue_invitation,
    set_person_active,
    sign_out,
    update_person,
)
from portal.audit import AuditEntry
from portal.db import Database, utcnow
from portal.errors import Conflict, DomainError, NotFound
from portal.mail import OutboxMessage
from tests.conftest import PASSWORD, UserFactory

FAILED = "That email and password do not match an active account."
BASE_URL = "http://portal.test"


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
        change_password(db, employee, PASSWORD, "too-short")
    assert caught.value.field == "new_password"


def test_change_password_needs_the_current_one(db: Session, employee: User) -> None:
    with pytest.raises(DomainError) as caught:
        change_password(db, employee, "not-my-password", "a brand new password")
    assert caught.value.field == "current_password"


def test_change_password_and_sign_out_end_every_session(db: Session, employee: User) -> None:
    version = employee.session_version
    change_password(db, employee, PASSWORD, "a brand new password")
    assert employee.session_version == version + 1
    assert verify_password(employee.password_hash, "a brand new password")
    sign_out(db, employee)
    assert employee.session_version == version + 2


def test_invitation_sets_the_password_once(db: Session, employee: User) -> None:
    token = issue_invitation(db, employee, BASE_URL, 7)
    db.commit()
    mail = db.scalars(select(OutboxMessage)).one()
    assert mail.recipient == employee.email
    assert f"{BASE_URL}/invitations/{token}" in mail.body
    assert accept_invitation(db, token, "my very own password").id == employee.id
    assert verify_password(employee.password_hash, "my very own password")
    with pytest.raises(NotFound):
        accept_invitation(db, token, "another password here")
    assert db.scalars(select(InvitationToken.token_hash)).one() != token


def test_expired_invitation_is_refused(db: Session, employee: User) -> None:
    token = issue_invitation(db, employee, BASE_URL, 7)
    db.execute(update(InvitationToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    with pytest.raises(NotFound):
        accept_invitation(db, token, "my very own password")


def test_invitation_of_a_deactivated_person_is_refused(
    db: Session, admin: User, employee: User
) -> None:
    token = issue_invitation(db, employee, BASE_URL, 7)
    set_person_active(db, admin, employee, active=False)
    with pytest.raises(NotFound):
        accept_invitation(db, token, "my very own password")
    with pytest.raises(DomainError, match="reactivate them"):
        issue_invitation(db, employee, BASE_URL, 7)


def test_two_simultaneous_uses_give_one_success(
    db: Session, database: Database, employee: User
) -> None:
    token = issue_invitation(db, employee, BASE_URL, 7)
    db.commit()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def use() -> None:
        with database.write_sessions() as session:
            barrier.wait()
            try:
                accept_invitation(session, token, "my very own password")
                session.commit()
                outcomes.append("ok")
            except DomainError:
                session.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=use) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]


def details(email: str, **changes) -> PersonDetails:
    return PersonDetails(email=email, display_name=changes.pop("name", "New Person"), **changes)


def test_create_person_with_department_and_manager(db: Session, admin: User, manager: User) -> None:
    user = create_person(
        db,
        admin,
        details(
            "New.Person@Example.com",
            department="  Claims ",
            manager_email="MANAGER@example.com",
            role=Role.MANAGER,
        ),
    )
    assert user.email == "new.person@example.com"
    assert user.manager_id == manager.id
    assert user.role is Role.MANAGER
    assert ("user_created", "new.person@example.com") in audit_actions(db)


def test_duplicate_email_in_any_case_is_refused(db: Session, admin: User, employee: User) -> None:
    with pytest.raises(Conflict) as caught:
        create_person(db, admin, details("Employee@EXAMPLE.com"))
    assert caught.value.field == "email"


def test_duplicate_email_race_is_a_conflict_not_a_crash(
    db: Session, database: Database, admin: User
) -> None:
    with database.write_sessions() as other:
        other.add(User(email="race@example.com", display_name="First"))
        other.commit()
    # The first insert committed after this session's look-up would have missed it.
    with pytest.raises(Conflict):
        create_person(db, admin, details("race@example.com"))


@pytest.mark.parametrize("email", ["not-an-email", "", "a@b"])
def test_bad_email_is_refused_beside_its_field(db: Session, admin: User, email: str) -> None:
    with pytest.raises(DomainError) as caught:
        create_person(db, admin, details(email))
    assert caught.value.field == "email"


def test_unknown_manager_is_refused(db: Session, admin: User) -> None:
    with pytest.raises(DomainError) as caught:
        create_person(db, admin, details("x@example.com", manager_email="ghost@example.com"))
    assert caught.value.field == "manager_email"


def test_manager_loop_is_refused_and_nothing_changes(
    db: Session, admin: User, make_user: UserFactory
) -> None:
    top = make_user("top@example.com")
    middle = make_user("middle@example.com", manager=top)
    bottom = make_user("bottom@example.com", manager=middle)
    with pytest.raises(DomainError, match="loop") as caught:
        update_person(
            db,
            admin,
            top,
            details("renamed@example.com", name="Top", manager_email=bottom.email),
        )
    assert caught.value.field == "manager_email"
    db.commit()
    db.expire_all()
    assert db.get(User, top.id).email == "top@example.com"
    assert db.get(User, top.id).manager_id is None


def test_own_manager_is_refused(db: Session, admin: User, employee: User) -> None:
    with pytest.raises(DomainError, match="own manager"):
        update_person(db, admin, employee, details(employee.email, manager_email=employee.email))


def test_update_changes_role_and_manager_and_is_audited(
    db: Session, admin: User, employee: User, manager: User
) -> None:
    update_person(
        db,
        admin,
        employee,
        details(employee.email, name="Emery E.", manager_email=manager.email, role=Role.MANAGER),
    )
    assert (employee.display_name, employee.manager_id, employee.role) == (
        "Emery E.",
        manager.id,
        Role.MANAGER,
    )
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "user_updated")).one()
    assert entry.detail == "role employee → manager"


def test_deactivate_and_reactivate(db: Session, admin: User, employee: User) -> None:
    version = employee.session_version
    set_person_active(db, admin, employee, active=False)
    assert not employee.active
    assert employee.session_version == version + 1
    set_person_active(db, admin, employee, active=True)
    assert employee.active
    actions = [action for action, _ in audit_actions(db)]
    assert actions == ["user_deactivated", "user_reactivated"]


def test_admin_cannot_deactivate_themself(db: Session, admin: User) -> None:
    with pytest.raises(DomainError, match="your own account"):
        set_person_active(db, admin, admin, active=False)


def test_accepting_one_invitation_ends_the_older_ones(db: Session, employee: User) -> None:
    first = issue_invitation(db, employee, BASE_URL, 7)
    second = issue_invitation(db, employee, BASE_URL, 7)
    accept_invitation(db, second, "my very own password")
    with pytest.raises(NotFound):
        accept_invitation(db, first, "someone else's password")


def test_a_deactivated_manager_does_not_block_other_edits(
    db: Session, admin: User, make_user: UserFactory
) -> None:
    boss = make_user("boss@example.com", role=Role.MANAGER)
    report = make_user("report@example.com", manager=boss)
    set_person_active(db, admin, boss, active=False)
    update_person(
        db, admin, report, details(report.email, name="Renamed", manager_email=boss.email)
    )
    assert report.display_name == "Renamed"
    other = make_user("other@example.com")
    with pytest.raises(DomainError, match="deactivated"):
        update_person(db, admin, other, details(other.email, manager_email=boss.email))


def test_an_admin_cannot_change_their_own_role(db: Session, admin: User) -> None:
    with pytest.raises(DomainError, match="your own role") as caught:
        update_person(db, admin, admin, details(admin.email, name="Avery", role=Role.EMPLOYEE))
    assert caught.value.field == "role"
    update_person(db, admin, admin, details(admin.email, name="Avery", role=Role.ADMIN))
    assert admin.display_name == "Avery"


def test_email_change_race_is_a_conflict_not_a_crash(
    db: Session, database: Database, admin: User, employee: User, monkeypatch
) -> None:
    from portal.accounts import services

    with database.write_sessions() as other:
        other.add(User(email="taken@example.com", display_name="Taken"))
        other.commit()
    # As if the look-up ran before the other person was added.
    monkeypatch.setattr(services, "find_user_by_email", lambda _session, _email: None)
    with pytest.raises(Conflict):
        update_person(db, admin, employee, details("taken@example.com"))


def test_two_admins_adding_people_to_the_same_new_department_at_once(
    db: Session, database: Database, admin: User
) -> None:
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def add(email: str) -> None:
        with database.write_sessions() as session:
            barrier.wait()
            try:
                actor = session.get_one(User, admin.id)
                create_person(session, actor, details(email, department="Brand New"))
                session.commit()
            except Exception as error:  # the test reports whatever happened
                errors.append(error)

    threads = [
        threading.Thread(target=add, args=(f"new{number}@example.com",)) for number in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert db.scalar(select(func.count()).select_from(Department)) == 2  # and the admin's
