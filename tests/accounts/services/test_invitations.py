"""Invitations: single use, expiring, racing uses, on a real database."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.accounts.models import InvitationToken, User
from portal.accounts.passwords import verify_password
from portal.accounts.services.invitations import accept_invitation, issue_invitation
from portal.accounts.services.people import (
    set_person_active,
)
from portal.core.db import Database, utcnow
from portal.core.errors import DomainError, NotFound
from portal.core.mail import OutboxMessage

BASE_URL = "http://portal.test"


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


def test_accepting_one_invitation_ends_the_older_ones(db: Session, employee: User) -> None:
    first = issue_invitation(db, employee, BASE_URL, 7)
    second = issue_invitation(db, employee, BASE_URL, 7)
    accept_invitation(db, second, "my very own password")
    with pytest.raises(NotFound):
        accept_invitation(db, first, "someone else's password")
