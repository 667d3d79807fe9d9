"""Signing in and out, passwords, invitations, and the people and org-chart rules."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.accounts.models import Department, InvitationToken, Role, User
from portal.accounts.passwords import hash_password, needs_rehash, password_problem, verify_password
from portal.accounts.queries import manager_chain_ids
from portal.audit import record_audit
from portal.db import utcnow
from portal.errors import Conflict, DomainError, NotFound
from portal.mail import enqueue_email


class InvalidCredentials(DomainError):
    status_code = 401


def normalize_email(raw: str) -> str:
    """Lower-case and syntax-check an address; no DNS look-up, the org chart is the truth."""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise DomainError(f"“{raw}” is not a valid email address.", field="email") from error


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def authenticate(session: Session, email: str, password: str) -> User:
    """The active user with this email and password; every attempt is audited."""
    user = find_user_by_email(session, email)
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not user.active:
        record_audit(
            session,
            "login_failed",
            actor_id=user.id if user else None,
            target=email.strip().lower()[:254],
        )
        session.flush()
        raise InvalidCredentials("That email and password do not match an active account.")
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    record_audit(session, "login", actor_id=user.id, target=user.email)
    session.flush()
    return user


def end_all_sessions(session: Session, user: User) -> None:
    """Every cookie issued to this user so far stops working."""
    session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(user, ["session_version"])


def sign_out(session: Session, user: User) -> None:
    end_all_sessions(session, user)
    record_audit(session, "logout", actor_id=user.id, target=user.email)
    session.flush()


def set_password(session: Session, user: User, new_password: str, field: str = "password") -> None:
    problem = password_problem(new_password)
    if problem:
        raise DomainError(problem, field=field)
    user.password_hash = hash_password(new_password)
    end_all_sessions(session, user)


def change_password(session: Session, user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise DomainError("Your current password is not right.", field="current_password")
    set_password(session, user, new_password, field="new_password")
    record_audit(session, "password_changed", actor_id=user.id, target=user.email)
    session.flush()


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_invitation(session: Session, user: User, base_url: str, valid_days: int) -> str:
    """Create a single-use link to set a password and mail it; returns the raw token."""
    if not user.active:
        raise DomainError(f"{user.email} is deactivated; reactivate them before inviting them.")
    token = secrets.token_urlsafe(32)
    session.add(
        InvitationToken(
            user_id=user.id,
            token_hash=_token_digest(token),
            expires_at=utcnow() + timedelta(days=valid_days),
        )
    )
    link = f"{base_url.rstrip('/')}/invitations/{token}"
    enqueue_email(
        session,
        user.email,
        "You are invited to the Ideas & Recognition portal",
        f"Hello {user.display_name},\n\nSet your password to sign in:\n{link}\n\n"
        f"The link works once and expires in {valid_days} days.\n",
    )
    return token


def find_valid_invitation(session: Session, token: str) -> InvitationToken:
    invitation = session.scalar(
        select(InvitationToken)
        .join(User, InvitationToken.user_id == User.id)
        .where(InvitationToken.token_hash == _token_digest(token), User.active.is_(True))
    )
    if invitation is None or invitation.used_at is not None or invitation.expires_at < utcnow():
        raise NotFound("This invitation link is not valid any more. Ask an admin for a new one.")
    return invitation


def accept_invitation(session: Session, token: str, new_password: str) -> User:
    invitation = find_valid_invitation(session, token)
    problem = password_problem(new_password)
    if problem:
        raise DomainError(problem, field="password")
    # Claim the token atomically so two submissions cannot both use it.
    claimed = session.execute(
        update(InvitationToken)
        .where(InvitationToken.id == invitation.id, InvitationToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise Conflict("This invitation link has already been used.")
    # Older links to the same person stop working too: a password is set only once this way.
    session.execute(
        update(InvitationToken)
        .where(InvitationToken.user_id == invitation.user_id, InvitationToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    user = session.get_one(User, invitation.user_id)
    set_password(session, user, new_password)
    record_audit(session, "invitation_accepted", actor_id=user.id, target=user.email)
    session.flush()
    return user


def get_or_create_department(session: Session, name: str) -> Department | None:
    name = " ".join(name.split())
    if not name:
        return None
    found = select(Department).where(Department.name == name)
    department = session.scalar(found)
    if department is None:
        try:
            with session.begin_nested():
                department = Department(name=name)
                session.add(department)
        except IntegrityError:
            # Someone else created it a moment ago: use theirs.
            department = session.scalars(found).one()
    return department


def check_manager(session: Session, user: User | None, manager: User | None) -> None:
    """Refuse a manager who is the person, inactive, or someone who reports to them."""
    if manager is None:
        return
    if user is not None and manager.id == user.id:
        raise DomainError("A person cannot be their own manager.", field="manager_email")
    # A deactivated manager stays until someone is assigned; only a new choice is refused.
    if not manager.active and (user is None or user.manager_id != manager.id):
        raise DomainError(f"{manager.email} is deactivated.", field="manager_email")
    if (
        user is not None
        and user.id is not None
        and user.id in manager_chain_ids(session, manager.id)
    ):
        raise DomainError(
            f"{manager.email} reports to {user.email}, so this would make a loop.",
            field="manager_email",
        )


@dataclass(frozen=True)
class PersonDetails:
    email: str
    display_name: str
    job_title: str = ""
    department: str = ""
    manager_email: str = ""
    role: Role = Role.EMPLOYEE


def _resolve_manager(session: Session, manager_email: str) -> User | None:
    if not manager_email.strip():
        return None
    manager = find_user_by_email(session, manager_email)
    if manager is None:
        raise DomainError(f"No one has the email {manager_email}.", field="manager_email")
    return manager


def _apply_details(session: Session, user: User, email: str, details: PersonDetails) -> None:
    """Check everything first, so a refused change leaves the person untouched."""
    display_name = " ".join(details.display_name.split())
    if not display_name:
        raise DomainError("Enter the person's name.", field="display_name")
    manager = _resolve_manager(session, details.manager_email)
    check_manager(session, user, manager)
    user.email = email
    user.display_name = display_name
    user.job_title = details.job_title.strip()
    department = get_or_create_department(session, details.department)
    user.department_id = department.id if department else None
    user.manager_id = manager.id if manager else None
    user.role = details.role


def create_person(session: Session, actor: User, details: PersonDetails) -> User:
    email = normalize_email(details.email)
    if find_user_by_email(session, email):
        raise Conflict(f"{email} already has an account.", field="email")
    user = User(email=email, display_name="", role=details.role)
    _apply_details(session, user, email, details)
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError as error:
        # Someone added the same address since the look-up above.
        raise Conflict(f"{email} already has an account.", field="email") from error
    record_audit(session, "user_created", actor_id=actor.id, target=email)
    session.flush()
    return user


def update_person(session: Session, actor: User, user: User, details: PersonDetails) -> User:
    email = normalize_email(details.email)
    other = find_user_by_email(session, email)
    if other is not None and other.id != user.id:
        raise Conflict(f"{email} already has an account.", field="email")
    if user.id == actor.id and details.role != user.role:
        # Otherwise the last admin could lock everyone out of administration.
        raise DomainError("You cannot change your own role; ask another admin.", field="role")
    old_role = user.role
    try:
        with session.begin_nested():
            _apply_details(session, user, email, details)
    except IntegrityError as error:
        raise Conflict(f"{email} already has an account.", field="email") from error
    change = f"role {old_role.value} → {user.role.value}" if old_role != user.role else ""
    record_audit(session, "user_updated", actor_id=actor.id, target=email, detail=change)
    session.flush()
    return user


def set_person_active(session: Session, actor: User, user: User, active: bool) -> User:
    if user.id == actor.id and not active:
        raise DomainError("You cannot deactivate your own account.")
    if user.active == active:
        return user
    user.active = active
    if not active:
        end_all_sessions(session, user)
    record_audit(
        session,
        "user_reactivated" if active else "user_deactivated",
        actor_id=actor.id,
        target=user.email,
    )
    session.flush()
    return user
