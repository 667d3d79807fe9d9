"""Applying a checked org-chart file: everyone created or updated, or nobody."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.accounts.events import ManagerChange, announce_manager_changes
from portal.accounts.models import Department, Role, User
from portal.accounts.services.invitations import issue_invitation
from portal.core.audit import record_audit
from portal.core.errors import Conflict, DomainError
from portal.site.admin.importing.preview import ImportPreview, ImportRow, preview_import

BATCH_SIZE = 1000
PROGRESS_STEP = 500


def _departments_by_name(session: Session, names: Iterable[str]) -> dict[str, int]:
    wanted = {name for name in names if name}
    known = dict(session.execute(select(Department.name, Department.id)).all())
    for name in sorted(wanted - known.keys()):
        department = Department(name=name)
        session.add(department)
        session.flush()
        known[name] = department.id
    return known


def _users_by_email(session: Session, emails: list[str]) -> dict[str, User]:
    """Batched, so a file of tens of thousands stays under the databases' parameter limits."""
    users: dict[str, User] = {}
    for start in range(0, len(emails), BATCH_SIZE):
        batch = emails[start : start + BATCH_SIZE]
        users |= {
            user.email: user for user in session.scalars(select(User).where(User.email.in_(batch)))
        }
    return users


Progress = Callable[[int], None]


def _audit_role(session: Session, actor: User | None, user: User, old_role: Role | None) -> None:
    """Each role the import gives is in the audit log: who, from what, to what."""
    if old_role is user.role or (old_role is None and user.role is Role.EMPLOYEE):
        return
    record_audit(
        session,
        "user_updated" if old_role else "user_created",
        actor_id=actor.id if actor else None,
        target=user.email,
        detail=f"role {old_role.value if old_role else 'none'} → {user.role.value} "
        "(org-chart import)",
    )


def _apply_rows(
    session: Session, actor: User | None, rows: list[ImportRow], progress: Progress | None
) -> list[User]:
    """Create or update everyone in a checked file; returns the people created."""
    departments = _departments_by_name(session, (row.department for row in rows))
    emails = {row.email for row in rows}
    users = _users_by_email(
        session, sorted(emails | {row.manager_email for row in rows if row.manager_email})
    )
    created: list[User] = []
    for row in rows:
        user = users.get(row.email)
        old_role = user.role if user else None
        if user is None:
            user = User(email=row.email, role=Role(row.role or "employee"))
            users[row.email] = user
            created.append(user)
            session.add(user)
        elif row.role:
            user.role = Role(row.role)
        _audit_role(session, actor, user, old_role)
        user.display_name = row.name
        user.job_title = row.title
        user.department_id = departments.get(row.department)
    session.flush()
    moved: list[ManagerChange] = []
    new_people = set(created)
    for done, row in enumerate(rows, start=1):
        manager = users[row.manager_email] if row.manager_email else None
        person = users[row.email]
        if person not in new_people and person.manager_id != (manager.id if manager else None):
            moved.append(
                ManagerChange(person.id, person.manager_id, manager.id if manager else None)
            )
        person.manager_id = manager.id if manager else None
        if progress and done % PROGRESS_STEP == 0:
            progress(PROGRESS_STEP)
    session.flush()
    by = f"{actor.email if actor else 'the system'} (org-chart import)"
    announce_manager_changes(session, moved, actor_id=actor.id if actor else None, by=by)
    return created


def apply_import(
    session: Session,
    actor: User | None,
    text: str,
    *,
    base_url: str,
    invitation_days: int,
    progress: Progress | None = None,
) -> ImportPreview:
    """Validate again and apply: everything or, when any row has a problem, nothing."""
    preview = preview_import(session, text, actor)
    if not preview.is_clean:
        raise DomainError(f"The file has {preview.problem_count} problem(s); nothing was imported.")
    try:
        with session.begin_nested():
            created = _apply_rows(session, actor, preview.rows, progress)
    except IntegrityError as error:
        # Another import or edit added the same people or departments meanwhile.
        raise Conflict(
            "The org chart changed while this file was imported; nothing was imported. "
            "Upload the file again to see the new preview."
        ) from error
    for user in created:
        issue_invitation(session, user, base_url, invitation_days)
    if progress:
        progress(len(preview.rows) % PROGRESS_STEP)
    record_audit(
        session,
        "org_chart_imported",
        actor_id=actor.id if actor else None,
        detail=f"{len(created)} created, {len(preview.rows) - len(created)} updated",
    )
    session.flush()
    return preview
