"""What a directory does to people, through the same services as the admin forms.

People are created, changed and (de)activated by portal.accounts.services, so every rule
there (valid and unique emails, managers without loops, sessions ended on deactivation, and
whatever rules are added there) holds for SCIM too. Each change is also audited with the
name of the token that made it.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.accounts.emails import canonical_email
from portal.accounts.models import Role, User
from portal.accounts.queries import find_user_by_email
from portal.accounts.services.people import (
    PersonDetails,
    create_person,
    set_person_active,
    update_person,
)
from portal.accounts.sso.actors import system_actor
from portal.core.audit import record_audit
from portal.core.db import utcnow
from portal.core.errors import Conflict
from portal.scim.models import ScimAccount, ScimToken
from portal.scim.protocol import invalid_value
from portal.scim.queries import UserRow, as_id, get_user_row
from portal.scim.tokens import note_token_change
from portal.scim.users import UserState


def directory_actor(token: ScimToken) -> User:
    return system_actor(f"SCIM token {token.name}")


def audit_change(
    session: Session, token: ScimToken, action: str, target: str, detail: str = ""
) -> None:
    summary = f"SCIM token “{token.name}”" + (f": {detail}" if detail else "")
    record_audit(session, action, actor_id=None, target=target, detail=summary)
    note_token_change(session, token)


def state_of(row: UserRow) -> UserState:
    return UserState.of_person(
        email=row.user.email,
        display_name=row.user.display_name,
        title=row.user.job_title,
        active=row.user.active,
        external_id=row.external_id,
        department=row.department,
        manager_id=row.manager_id,
    )


def find_manager(session: Session, reference: str | None) -> User | None:
    """A manager named by SCIM id, by the directory's externalId, or by email."""
    if not reference:
        return None
    manager = None
    if as_id(reference):
        manager = session.get(User, as_id(reference))
    if manager is None:
        manager = session.scalar(
            select(User)
            .join(ScimAccount, ScimAccount.user_id == User.id)
            .where(ScimAccount.external_id == reference)
        )
    if manager is None and "@" in reference:
        manager = find_user_by_email(session, reference)
    if manager is None:
        raise invalid_value(f"No one has the id “{reference}” to be the manager.")
    return manager


def person_details(
    session: Session, state: UserState, role: Role
) -> tuple[PersonDetails, User | None]:
    """The accounts services' details of a SCIM user's state, and their manager."""
    state.check_complete()
    manager = find_manager(session, state.manager_ref)
    details = PersonDetails(
        email=state.email,
        display_name=state.name,
        job_title=state.title,
        department=state.department,
        manager_email=manager.email if manager else "",
        role=role,
    )
    return details, manager


def _set_external_id(session: Session, user: User, external_id: str | None) -> None:
    account = session.get(ScimAccount, user.id)
    if account is None:
        account = ScimAccount(user_id=user.id)
        session.add(account)
    account.external_id = external_id
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        raise Conflict(f"Another person has the externalId “{external_id}”.") from error


def _deleted_person(session: Session, state: UserState) -> User | None:
    """The person SCIM deleted whom this create names again, by externalId or else by email.

    Both rows are locked: of two creates at once, the second waits, then no longer finds the
    person deleted and is refused as a duplicate by the email's unique index.
    """
    matches = [User.email == canonical_email(state.email)]
    if state.external_id:
        matches.insert(0, ScimAccount.external_id == state.external_id)
    found = session.execute(
        select(User, ScimAccount.external_id)
        .join(ScimAccount, ScimAccount.user_id == User.id)
        .where(ScimAccount.deleted_at.is_not(None), or_(*matches))
        .with_for_update()
    ).all()
    ranked = sorted(found, key=lambda row: row[1] != state.external_id)
    return ranked[0][0] if ranked else None


def _reactivate(session: Session, token: ScimToken, user: User, state: UserState) -> None:
    """A person deleted in the directory and created again comes back as themselves: the same
    row, with their ideas, votes and awards, under the details the directory sends now."""
    actor = directory_actor(token)
    account = session.get(ScimAccount, user.id)
    assert account is not None
    account.deleted_at = None
    details, _ = person_details(session, state, user.role)
    update_person(session, actor, user, details)
    if state.external_id:  # without one, the directory's old id stays
        _set_external_id(session, user, state.external_id)
    if state.active:
        set_person_active(session, actor, user, True)
    audit_change(session, token, "scim_user_created", user.email, "deleted before: reactivated")
    session.flush()


def _create_new(session: Session, token: ScimToken, state: UserState) -> UserRow:
    actor = directory_actor(token)
    details, manager = person_details(session, state, Role.EMPLOYEE)
    user = create_person(session, actor, details)
    if state.external_id:
        # Flushed with the audit row below; a taken externalId fails that flush.
        session.add(ScimAccount(user_id=user.id, external_id=state.external_id))
    if not state.active:
        set_person_active(session, actor, user, False)
    audit_change(session, token, "scim_user_created", user.email)
    session.flush()
    department = " ".join(state.department.split())
    manager_name = manager.display_name if manager else None
    return UserRow(
        user, department, manager.id if manager else None, manager_name, state.external_id
    )


def create_user(session: Session, token: ScimToken, state: UserState) -> UserRow:
    """A joiner, or a leaver deleted before who comes back; the person as SCIM shows them.

    Two requests for one person at once make one person and one 409: the loser's insert
    fails on the email's unique index, finds nobody deleted to bring back, and is refused.
    """
    state.check_complete()
    try:
        with session.begin_nested():
            return _create_new(session, token, state)
    except (Conflict, IntegrityError) as error:
        returning = _deleted_person(session, state)
        if returning is None:
            if isinstance(error, IntegrityError):
                raise _why_taken(session, state) from error
            raise
    _reactivate(session, token, returning, state)
    row = get_user_row(session, returning.id)
    assert row is not None
    return row


def _why_taken(session: Session, state: UserState) -> Conflict:
    taken = session.scalar(select(User.id).where(User.email == canonical_email(state.email)))
    if taken is None and state.external_id:
        return Conflict(f"Another person has the externalId “{state.external_id}”.")
    return Conflict(f"{state.email} already has an account.")


def update_user(session: Session, token: ScimToken, row: UserRow, state: UserState) -> None:
    """Write a changed state (PUT or PATCH); only what changed goes through the services."""
    actor = directory_actor(token)
    user = row.user
    before = state_of(row)
    details, manager = person_details(session, state, user.role)
    manager_id = manager.id if manager else None
    detail_changes = [
        name
        for name, old, new in (
            ("email", user.email, details.email),
            ("name", user.display_name, details.display_name),
            ("title", user.job_title, details.job_title),
            ("department", row.department, details.department),
            ("manager", row.manager_id, manager_id),
        )
        if old != new
    ]
    changes = list(detail_changes)
    if state.active and not user.active:
        set_person_active(session, actor, user, True)
        changes.append("reactivated")
    if detail_changes:
        update_person(session, actor, user, details)
    if state.external_id != before.external_id:
        _set_external_id(session, user, state.external_id)
        changes.append("externalId")
    if not state.active and user.active:
        set_person_active(session, actor, user, False)
        changes.append("deactivated")
    if changes:
        audit_change(session, token, "scim_user_updated", user.email, ", ".join(changes))
    session.flush()


def delete_user(session: Session, token: ScimToken, row: UserRow) -> None:
    """A leaver deleted in the directory: deactivated, their sessions ended, their ideas, votes,
    awards and packets kept; SCIM no longer shows them. (They leave their groups first:
    `groups.leave_all_groups`.)"""
    user = row.user
    set_person_active(session, directory_actor(token), user, False)
    account = session.get(ScimAccount, user.id) or ScimAccount(user_id=user.id)
    # The externalId stays, so that the directory creating this person again brings them back.
    account.deleted_at = utcnow()
    session.add(account)
    audit_change(session, token, "scim_user_deleted", user.email, "deactivated")
    session.flush()
