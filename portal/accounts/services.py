"""Signing in and out, passwords, invitations, and the people and org-chart rules."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.accounts.emails import canonical_email, mixed_scripts, skeleton_digest
from portal.accounts.models import Department, InvitationToken, Role, User
from portal.accounts.passwords import hash_password, needs_rehash, password_problem, verify_password
from portal.accounts.queries import manager_chain_ids
from portal.accounts.throttling import Bucket, count_failure, exhausted_bucket, minutes_to_wait
from portal.core.audit import record_audit
from portal.core.db import utcnow
from portal.core.errors import Conflict, DomainError, NotFound
from portal.core.mail import enqueue_email

OWN_ROLE = "You cannot change your own role; ask another admin."
NO_ADMIN_LEFT = "That would leave the portal without an active admin."
SIGN_IN_THROTTLED = {
    "device": "Too many failed sign-ins from this browser. Try again in {minutes} minute(s).",
    "account": "Too many failed sign-ins to this account from browsers it has not been used "
    "on. Try again in {minutes} minute(s), or sign in from a browser you have used before.",
    "address": "Too many failed sign-ins from your network. Try again in {minutes} minute(s).",
}
PASSWORD_CHANGE_THROTTLED = "Too many wrong current passwords. Try again in {minutes} minute(s)."  # noqa: S105 - a message


class InvalidCredentials(DomainError):
    status_code = 401


class Throttled(DomainError):
    status_code = 429

    def __init__(self, message: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after


def normalize_email(raw: str) -> str:
    """NFKC, lower case and syntax-checked; no DNS look-up, the org chart is the truth."""
    try:
        checked = validate_email(canonical_email(raw), check_deliverability=False)
    except EmailNotValidError as error:
        raise DomainError(f"“{raw}” is not a valid email address.", field="email") from error
    email = canonical_email(checked.normalized)
    mixed = mixed_scripts(email)
    if mixed:
        raise DomainError(
            f"“{mixed.part}” mixes {' and '.join(mixed.scripts)} letters, so it can look like "
            "another address. Type it in one script.",
            field="email",
        )
    return email


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == canonical_email(email)))


def address_conflict(session: Session, email: str, person_id: int | None = None) -> Conflict | None:
    """Why someone else's address rules this one out: the same, or one that looks alike."""
    query = select(User.email).where(
        or_(User.email == email, User.email_skeleton == skeleton_digest(email))
    )
    if person_id is not None:
        query = query.where(User.id != person_id)
    holders = list(session.scalars(query.limit(2)))
    if not holders:
        return None
    if email in holders:
        return Conflict(f"{email} already has an account.", field="email")
    return Conflict(
        f"{email} looks too much like {holders[0]}, the address of someone already in the "
        "portal. Check the address.",
        field="email",
    )


def refuse_when_throttled(
    session: Session,
    buckets: Sequence[Bucket],
    *,
    action: str,
    target: str,
    actor_id: int | None,
    messages: dict[str, str],
    field: str | None = None,
) -> None:
    """Refuse, and audit the refusal, while any of the buckets has no attempts left."""
    full = exhausted_bucket(buckets)
    if full is None:
        return
    record_audit(
        session, action, actor_id=actor_id, target=target, detail=f"{full.scope}: {full.limit}"
    )
    session.flush()
    minutes = minutes_to_wait(full)
    raise Throttled(
        messages[full.scope].format(minutes=minutes), retry_after=minutes * 60, field=field
    )


def sign_in(session: Session, email: str, password: str, buckets: Sequence[Bucket]) -> User:
    """Authenticate unless the buckets say wait; a failure counts in every one of them."""
    refuse_when_throttled(
        session,
        buckets,
        action="login_throttled",
        target=canonical_email(email)[:254],
        actor_id=None,
        messages=SIGN_IN_THROTTLED,
    )
    try:
        return authenticate(session, email, password)
    except InvalidCredentials:
        count_failure(buckets)
        raise


def authenticate(session: Session, email: str, password: str) -> User:
    """The active user with this email and password; every attempt is audited."""
    user = find_user_by_email(session, email)
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not user.active:
        record_audit(
            session,
            "login_failed",
            actor_id=user.id if user else None,
            target=canonical_email(email)[:254],
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


def change_password(
    session: Session, user: User, current_password: str, new_password: str, throttle: Bucket
) -> None:
    """Wrong current passwords count in `throttle`; past its limit none is checked."""
    refuse_when_throttled(
        session,
        [throttle],
        action="password_change_throttled",
        target=user.email,
        actor_id=user.id,
        messages={throttle.scope: PASSWORD_CHANGE_THROTTLED},
        field="current_password",
    )
    if not verify_password(user.password_hash, current_password):
        count_failure([throttle])
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
    if user.email != email:
        user.email = email
    user.display_name = display_name
    user.job_title = details.job_title.strip()
    department = get_or_create_department(session, details.department)
    user.department_id = department.id if department else None
    user.manager_id = manager.id if manager else None
    user.role = details.role


def own_role_problem(
    actor_id: int | None, person_id: int, old_role: Role, new_role: Role
) -> str | None:
    """Nobody decides their own role: otherwise the last admin could lock everyone out."""
    return OWN_ROLE if actor_id == person_id and old_role != new_role else None


def check_an_admin_remains(session: Session, losing: Collection[int], gaining: int = 0) -> None:
    """Refuse a change after which no active admin is left.

    `losing` are the people who stop being active admins, `gaining` how many start. The
    admins' rows are locked, so two admins demoting each other at once cannot both succeed.
    """
    if not losing:
        return
    admins = session.scalars(
        select(User.id).where(User.role == Role.ADMIN, User.active.is_(True)).with_for_update()
    )
    if not set(admins) - set(losing) and not gaining:
        raise DomainError(NO_ADMIN_LEFT, field="role")


def _check_role_change(session: Session, actor: User, user: User, new_role: Role) -> None:
    problem = own_role_problem(actor.id, user.id, user.role, new_role)
    if problem:
        raise DomainError(problem, field="role")
    if user.role is Role.ADMIN and new_role is not Role.ADMIN and user.active:
        check_an_admin_remains(session, losing={user.id})


def create_person(session: Session, actor: User, details: PersonDetails) -> User:
    email = normalize_email(details.email)
    conflict = address_conflict(session, email)
    if conflict:
        raise conflict
    user = User(email=email, display_name="", role=details.role)
    _apply_details(session, user, email, details)
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError as error:
        # Someone added the same or a look-alike address since the look-up above.
        raise _conflict_after_race(session, email, None) from error
    record_audit(session, "user_created", actor_id=actor.id, target=email)
    session.flush()
    return user


def _conflict_after_race(session: Session, email: str, person_id: int | None) -> Conflict:
    return address_conflict(session, email, person_id) or Conflict(
        f"{email} already has an account.", field="email"
    )


def update_person(session: Session, actor: User, user: User, details: PersonDetails) -> User:
    email = normalize_email(details.email)
    # An address kept from before the look-alike rule stays usable as it is.
    conflict = address_conflict(session, email, user.id) if email != user.email else None
    if conflict:
        raise conflict
    _check_role_change(session, actor, user, details.role)
    old_role = user.role
    try:
        with session.begin_nested():
            _apply_details(session, user, email, details)
    except IntegrityError as error:
        raise _conflict_after_race(session, email, user.id) from error
    change = f"role {old_role.value} → {user.role.value}" if old_role != user.role else ""
    record_audit(session, "user_updated", actor_id=actor.id, target=email, detail=change)
    session.flush()
    return user


def set_person_active(session: Session, actor: User, user: User, active: bool) -> User:
    if user.id == actor.id and not active:
        raise DomainError("You cannot deactivate your own account.")
    if user.active == active:
        return user
    if not active and user.role is Role.ADMIN:
        check_an_admin_remains(session, losing={user.id})
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
