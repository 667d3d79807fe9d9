"""Import of the org chart from CSV: validate every row first, apply only a clean file.

Columns: email, name, title, department, manager_email, role. Re-importing updates people by
email instead of duplicating them; people new to the portal get an invitation email.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.accounts.models import Department, Role, User
from portal.accounts.services import issue_invitation
from portal.audit import record_audit
from portal.errors import Conflict, DomainError

REQUIRED_COLUMNS = ("email", "name", "title", "department", "manager_email", "role")
HEADER_ALIASES = {"manager": "manager_email", "job_title": "title", "display_name": "name"}
ROLE_VALUES = ", ".join(role.value for role in Role)
BATCH_SIZE = 1000
PROGRESS_STEP = 500


@dataclass
class ImportRow:
    line: int
    email: str
    name: str
    title: str
    department: str
    manager_email: str
    role: str
    problems: list[str] = field(default_factory=list)
    action: str = "create"


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    file_problems: list[str]

    @property
    def problem_count(self) -> int:
        return len(self.file_problems) + sum(len(row.problems) for row in self.rows)

    @property
    def is_clean(self) -> bool:
        return self.problem_count == 0 and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


def _header_key(name: str) -> str:
    key = "_".join(name.strip().lower().replace("-", " ").split())
    return HEADER_ALIASES.get(key, key)


def parse_csv(text: str) -> tuple[list[ImportRow], list[str]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [_header_key(name) for name in next(reader)]
    except StopIteration:
        return [], ["The file is empty."]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        return [], [f"The header row lacks the column(s): {', '.join(missing)}."]
    rows = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        cells = dict(zip(header, (value.strip() for value in values), strict=False))
        rows.append(
            ImportRow(
                line=reader.line_num,
                email=cells.get("email", ""),
                name=" ".join(cells.get("name", "").split()),
                title=cells.get("title", ""),
                department=" ".join(cells.get("department", "").split()),
                manager_email=cells.get("manager_email", "").lower(),
                role=cells.get("role", "").lower(),
            )
        )
    if not rows:
        return [], ["The file has a header but no people."]
    return rows, []


def _check_email(row: ImportRow) -> None:
    try:
        row.email = validate_email(row.email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        row.problems.append(
            f"“{row.email}” is not a valid email address." if row.email else "Email is missing."
        )


def _check_fields(row: ImportRow) -> None:
    if not row.name:
        row.problems.append("Name is missing.")
    if len(row.name) > 120 or len(row.title) > 120 or len(row.department) > 120:
        row.problems.append("Name, title and department are limited to 120 characters.")
    if row.role and row.role not in {role.value for role in Role}:
        row.problems.append(f"Role “{row.role}” is not one of {ROLE_VALUES}.")


def _check_duplicates(rows: list[ImportRow]) -> None:
    first_line: dict[str, int] = {}
    for row in rows:
        if not row.email:
            continue  # already reported as missing
        if row.email in first_line:
            row.problems.append(f"Duplicate: {row.email} is also on line {first_line[row.email]}.")
        else:
            first_line[row.email] = row.line


def _find_loop(start: str, managers: dict[str, str | None]) -> list[str] | None:
    path, seen = [start], {start}
    current = managers.get(start)
    while current is not None:
        if current == start:
            return [*path, start]
        if current in seen:
            return None  # a loop above this person, reported on its own members
        path.append(current)
        seen.add(current)
        current = managers.get(current)
    return None


def _current_manager(existing: dict[str, tuple[int, str | None, bool]], email: str) -> str | None:
    return existing[email][1] if email in existing else None


def _check_managers(
    rows: list[ImportRow], existing: dict[str, tuple[int, str | None, bool]]
) -> None:
    in_file = {row.email for row in rows}
    managers: dict[str, str | None] = {
        email: manager for email, (_, manager, _) in existing.items()
    }
    for row in rows:
        managers[row.email] = row.manager_email or None
    for row in rows:
        if not row.manager_email:
            continue
        if row.manager_email == row.email:
            row.problems.append("Loop: a person cannot be their own manager.")
            continue
        known = existing.get(row.manager_email)
        if row.manager_email not in in_file and known is None:
            row.problems.append(f"Unknown manager: no one has the email {row.manager_email}.")
        elif (
            row.manager_email not in in_file
            and known is not None
            and not known[2]
            and _current_manager(existing, row.email) != row.manager_email
        ):
            row.problems.append(f"Manager {row.manager_email} is deactivated.")
        else:
            loop = _find_loop(row.email, managers)
            if loop:
                row.problems.append("Loop: " + " → ".join(loop) + ".")


def _existing_people(session: Session) -> dict[str, tuple[int, str | None, bool]]:
    """email -> (id, manager email, active) for everyone, in one statement."""
    people = {
        user_id: (email, manager_id, active)
        for user_id, email, manager_id, active in session.execute(
            select(User.id, User.email, User.manager_id, User.active)
        )
    }
    return {
        email: (user_id, people[manager_id][0] if manager_id in people else None, active)
        for user_id, (email, manager_id, active) in people.items()
    }


def preview_import(session: Session, text: str) -> ImportPreview:
    rows, file_problems = parse_csv(text)
    for row in rows:
        _check_email(row)
        _check_fields(row)
    _check_duplicates(rows)
    existing = _existing_people(session)
    _check_managers(rows, existing)
    for row in rows:
        row.action = "update" if row.email in existing else "create"
    return ImportPreview(rows, file_problems)


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


def _apply_rows(session: Session, rows: list[ImportRow], progress: Progress | None) -> list[User]:
    """Create or update everyone in a checked file; returns the people created."""
    departments = _departments_by_name(session, (row.department for row in rows))
    emails = {row.email for row in rows}
    users = _users_by_email(
        session, sorted(emails | {row.manager_email for row in rows if row.manager_email})
    )
    created: list[User] = []
    for row in rows:
        user = users.get(row.email)
        if user is None:
            user = User(email=row.email, role=Role(row.role or "employee"))
            users[row.email] = user
            created.append(user)
            session.add(user)
        elif row.role:
            user.role = Role(row.role)
        user.display_name = row.name
        user.job_title = row.title
        user.department_id = departments.get(row.department)
    session.flush()
    for done, row in enumerate(rows, start=1):
        manager = users[row.manager_email] if row.manager_email else None
        users[row.email].manager_id = manager.id if manager else None
        if progress and done % PROGRESS_STEP == 0:
            progress(PROGRESS_STEP)
    session.flush()
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
    preview = preview_import(session, text)
    if not preview.is_clean:
        raise DomainError(f"The file has {preview.problem_count} problem(s); nothing was imported.")
    try:
        with session.begin_nested():
            created = _apply_rows(session, preview.rows, progress)
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
