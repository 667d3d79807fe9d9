"""People and the org chart: adding, changing and (de)activating someone, by the rules
every way in (the admin pages, the import, SCIM, single sign-on) shares."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.accounts.emails import canonical_email, mixed_scripts, skeleton_digest
from portal.accounts.events import ManagerChange, announce_departure, announce_manager_changes
from portal.accounts.models import Department, Role, User
from portal.accounts.queries import find_user_by_email, manager_chain_ids
from portal.accounts.services.signing_in import end_all_sessions
from portal.core.audit import record_audit
from portal.core.errors import Conflict, DomainError

OWN_ROLE = "You cannot change your own role; ask another admin."
NO_ADMIN_LEFT = "That would leave the portal without an active admin."


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
    old_role, old_manager_id = user.role, user.manager_id
    try:
        with session.begin_nested():
            _apply_details(session, user, email, details)
    except IntegrityError as error:
        raise _conflict_after_race(session, email, user.id) from error
    change = f"role {old_role.value} → {user.role.value}" if old_role != user.role else ""
    record_audit(session, "user_updated", actor_id=actor.id, target=email, detail=change)
    session.flush()
    change_of_manager = ManagerChange(user.id, old_manager_id, user.manager_id)
    announce_manager_changes(session, [change_of_manager], actor_id=actor.id, by=actor.email)
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
        session.flush()
        announce_departure(session, user.id, actor_id=actor.id, by=actor.email)
    record_audit(
        session,
        "user_reactivated" if active else "user_deactivated",
        actor_id=actor.id,
        target=user.email,
    )
    session.flush()
    return user
