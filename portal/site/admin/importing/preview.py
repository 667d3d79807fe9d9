"""Reading an org-chart file and checking every row against the portal, changing nothing."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.emails import canonical_email, skeleton_digest
from portal.accounts.models import Department, Role, User
from portal.accounts.services.people import (
    check_an_admin_remains,
    normalize_email,
    own_role_problem,
)
from portal.core.errors import DomainError

REQUIRED_COLUMNS = ("email", "name", "title", "department", "manager_email", "role")
HEADER_ALIASES = {"manager": "manager_email", "job_title": "title", "display_name": "name"}
ROLES = {role.value: role for role in Role}
ROLE_VALUES = ", ".join(ROLES)
MAX_ROWS = 200_000
PROBLEMS_SHOWN = 100
CHANGES_SHOWN = 50
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")


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
    changes: list[str] = field(default_factory=list)  # of a person already in the portal
    email_ok: bool = False


@dataclass(frozen=True)
class Problem:
    line: int | None  # None for the file as a whole
    email: str
    message: str


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

    @property
    def changed_count(self) -> int:
        return sum(1 for row in self.rows if row.action == "update" and row.changes)

    @property
    def unchanged_count(self) -> int:
        return self.count("update") - self.changed_count

    def problems(self) -> Iterator[Problem]:
        yield from (Problem(None, "", message) for message in self.file_problems)
        for row in self.rows:
            yield from (Problem(row.line, row.email, message) for message in row.problems)

    def first_problems(self, limit: int = PROBLEMS_SHOWN) -> list[Problem]:
        return [problem for _, problem in zip(range(limit), self.problems(), strict=False)]

    def _changing(self) -> Iterator[ImportRow]:
        return (
            row for row in self.rows if not row.problems and (row.action == "create" or row.changes)
        )

    @property
    def change_count(self) -> int:
        """People the file would add or change, leaving out those with problems."""
        return sum(1 for _ in self._changing())

    def first_changes(self, limit: int = CHANGES_SHOWN) -> list[ImportRow]:
        return [row for _, row in zip(range(limit), self._changing(), strict=False)]


@dataclass(frozen=True)
class ExistingPerson:
    id: int
    manager_email: str | None
    active: bool
    name: str
    title: str
    department: str
    role: Role
    skeleton: str


def _header_key(name: str) -> str:
    key = "_".join(name.strip().lower().replace("-", " ").split())
    return HEADER_ALIASES.get(key, key)


def _csv_problem(error: csv.Error, line: int) -> str:
    if "field larger than field limit" in str(error):
        return (
            f"Line {line}: a field is longer than {csv.field_size_limit():,} characters, "
            "so the file was not read past it."
        )
    return f"Line {line}: the file could not be read as CSV ({error})."


def _row_from(cells: dict[str, str], line: int) -> ImportRow:
    row = ImportRow(
        line=line,
        email=cells.get("email", ""),
        name=" ".join(cells.get("name", "").split()),
        title=cells.get("title", ""),
        department=" ".join(cells.get("department", "").split()),
        manager_email=canonical_email(cells.get("manager_email", "")),
        role=cells.get("role", "").lower(),
    )
    for column, value in cells.items():
        control = CONTROL_CHARACTER.search(value)
        if control:
            row.problems.append(
                f"The {column} has a control character (U+{ord(control.group()):04X})."
            )
    return row


def parse_csv(text: str) -> tuple[list[ImportRow], list[str]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [_header_key(name) for name in next(reader)]
    except StopIteration:
        return [], ["The file is empty."]
    except csv.Error as error:
        return [], [_csv_problem(error, reader.line_num)]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        return [], [f"The header row lacks the column(s): {', '.join(missing)}."]
    rows: list[ImportRow] = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) == MAX_ROWS:
                return rows, [f"The file has more than {MAX_ROWS:,} people; split it up."]
            cells = dict(zip(header, (value.strip() for value in values), strict=False))
            rows.append(_row_from(cells, reader.line_num))
    except csv.Error as error:
        return rows, [_csv_problem(error, reader.line_num)]
    if not rows:
        return [], ["The file has a header but no people."]
    return rows, []


def _check_email(row: ImportRow) -> None:
    if not row.email:
        row.problems.append("Email is missing.")
        return
    try:
        row.email = normalize_email(row.email)
    except DomainError as error:
        row.problems.append(error.message)
    else:
        row.email_ok = True


def _check_fields(row: ImportRow) -> None:
    if not row.name:
        row.problems.append("Name is missing.")
    if len(row.name) > 120 or len(row.title) > 120 or len(row.department) > 120:
        row.problems.append("Name, title and department are limited to 120 characters.")
    if row.role and row.role not in ROLES:
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


def _check_look_alikes(rows: list[ImportRow], existing: dict[str, ExistingPerson]) -> None:
    """No new address may look like someone's in the portal, or like another in the file."""
    holders = {person.skeleton: email for email, person in existing.items()}
    in_file: dict[str, ImportRow] = {}
    for row in rows:
        if not row.email_ok or row.email in existing:
            continue
        digest = skeleton_digest(row.email)
        earlier = in_file.setdefault(digest, row)
        if digest in holders:
            row.problems.append(
                f"{row.email} looks too much like {holders[digest]}, the address of someone "
                "already in the portal."
            )
        elif earlier is not row and earlier.email != row.email:
            row.problems.append(
                f"{row.email} looks too much like {earlier.email} on line {earlier.line}."
            )


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


def _check_managers(rows: list[ImportRow], existing: dict[str, ExistingPerson]) -> None:
    in_file = {row.email for row in rows}
    managers: dict[str, str | None] = {
        email: person.manager_email for email, person in existing.items()
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
        current = existing.get(row.email)
        if row.manager_email not in in_file and known is None:
            row.problems.append(f"Unknown manager: no one has the email {row.manager_email}.")
        elif (
            row.manager_email not in in_file
            and known is not None
            and not known.active
            and (current is None or current.manager_email != row.manager_email)
        ):
            row.problems.append(f"Manager {row.manager_email} is deactivated.")
        else:
            loop = _find_loop(row.email, managers)
            if loop:
                row.problems.append("Loop: " + " → ".join(loop) + ".")


def _new_role(row: ImportRow, person: ExistingPerson | None) -> Role | None:
    """The role the row gives; None when it keeps the current one or names none that exists."""
    if not row.role:
        return None if person else Role.EMPLOYEE
    return ROLES.get(row.role)


def _check_roles(
    session: Session,
    rows: list[ImportRow],
    existing: dict[str, ExistingPerson],
    actor_id: int | None,
) -> list[str]:
    """The user form's role rules, row by row, then for the file as a whole."""
    losing: set[int] = set()
    gaining = 0
    for row in rows:
        person = existing.get(row.email)
        role = _new_role(row, person)
        if role is None:
            continue
        if person is None:
            gaining += role is Role.ADMIN
            continue
        problem = own_role_problem(actor_id, person.id, person.role, role)
        if problem:
            row.problems.append(problem)
        elif person.active and person.role is Role.ADMIN and role is not Role.ADMIN:
            losing.add(person.id)
        elif person.active and person.role is not Role.ADMIN and role is Role.ADMIN:
            gaining += 1
    try:
        check_an_admin_remains(session, losing, gaining)
    except DomainError as error:
        return [error.message]
    return []


def _describe_changes(row: ImportRow, person: ExistingPerson) -> list[str]:
    pairs = [
        ("name", person.name, row.name),
        ("title", person.title, row.title),
        ("department", person.department, row.department),
        ("manager", person.manager_email or "", row.manager_email),
        ("role", person.role.value, row.role or person.role.value),
    ]
    return [
        f"{what}: {before or '—'} → {after or '—'}"
        for what, before, after in pairs
        if before != after
    ]


def _existing_people(session: Session) -> dict[str, ExistingPerson]:
    """Everyone in the portal by email, in one statement."""
    rows = session.execute(
        select(
            User.id,
            User.email,
            User.manager_id,
            User.active,
            User.display_name,
            User.job_title,
            Department.name,
            User.role,
            User.email_skeleton,
        ).outerjoin(Department, User.department_id == Department.id)
    ).all()
    emails = {row.id: row.email for row in rows}
    return {
        row.email: ExistingPerson(
            id=row.id,
            manager_email=emails.get(row.manager_id),
            active=row.active,
            name=row.display_name,
            title=row.job_title,
            department=row.name or "",
            role=row.role,
            skeleton=row.email_skeleton or skeleton_digest(row.email),
        )
        for row in rows
    }


def preview_import(session: Session, text: str, actor: User | None = None) -> ImportPreview:
    rows, file_problems = parse_csv(text)
    for row in rows:
        _check_email(row)
        _check_fields(row)
    _check_duplicates(rows)
    existing = _existing_people(session)
    _check_look_alikes(rows, existing)
    _check_managers(rows, existing)
    file_problems += _check_roles(session, rows, existing, actor.id if actor else None)
    for row in rows:
        person = existing.get(row.email)
        row.action = "update" if person else "create"
        row.changes = _describe_changes(row, person) if person else []
    return ImportPreview(rows, file_problems)
