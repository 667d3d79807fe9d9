"""Read-only queries about people and the org chart."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from portal.accounts.emails import canonical_email
from portal.accounts.models import Department, Role, User
from portal.core.pagination import Page, beyond, decode_cursor, page_from_rows


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == canonical_email(email)))


def manager_chain_ids(session: Session, user_id: int) -> set[int]:
    """The person and everyone above them, in one recursive query."""
    chain = select(User.id, User.manager_id).where(User.id == user_id).cte(recursive=True)
    upper = aliased(User)
    chain = chain.union(
        select(upper.id, upper.manager_id).join(chain, upper.id == chain.c.manager_id)
    )
    return set(session.scalars(select(chain.c.id)))


def managers_above(session: Session, user_id: int) -> list[tuple[int, bool, Role]]:
    """(id, active, role) of everyone above a person, nearest first, in one recursive query."""
    chain = (
        select(User.manager_id.label("id"), literal(1).label("depth"))
        .where(User.id == user_id, User.manager_id.is_not(None))
        .cte(recursive=True)
    )
    upper = aliased(User)
    chain = chain.union_all(
        select(upper.manager_id, chain.c.depth + 1).where(
            upper.id == chain.c.id, upper.manager_id.is_not(None), chain.c.depth < 50
        )
    )
    rows = session.execute(
        select(User.id, User.active, User.role)
        .join(chain, User.id == chain.c.id)
        .order_by(chain.c.depth)
    )
    return [(row.id, row.active, row.role) for row in rows]


def report_ids(session: Session, manager_id: int) -> set[int]:
    """Everyone below a manager, direct and indirect, in one recursive query."""
    tree = select(User.id).where(User.manager_id == manager_id).cte(recursive=True)
    lower = aliased(User)
    tree = tree.union(select(lower.id).join(tree, lower.manager_id == tree.c.id))
    return set(session.scalars(select(tree.c.id)))


def _search_filter(search: str):
    pattern = f"%{search.strip().lower()}%"
    return or_(
        func.lower(User.display_name).like(pattern, escape="\\"),
        User.email.like(pattern, escape="\\"),
        func.lower(User.job_title).like(pattern, escape="\\"),
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class PersonRow:
    id: int
    display_name: str
    email: str
    job_title: str
    department: str | None
    manager_name: str | None
    role: Role
    active: bool


def list_people(
    session: Session,
    *,
    search: str = "",
    cursor: str | None = None,
    limit: int = 25,
    include_inactive: bool = False,
) -> Page[PersonRow]:
    """People by name, one statement a page."""
    manager = aliased(User)
    query = (
        select(
            User.id,
            User.display_name,
            User.email,
            User.job_title,
            Department.name.label("department"),
            manager.display_name.label("manager_name"),
            User.role,
            User.active,
        )
        .outerjoin(Department, User.department_id == Department.id)
        .outerjoin(manager, User.manager_id == manager.id)
        .order_by(User.display_name, User.id)
        .limit(limit + 1)
    )
    if not include_inactive:
        query = query.where(User.active.is_(True))
    if search.strip():
        query = query.where(_search_filter(_escape_like(search)))
    key = decode_cursor(cursor, 2, (str, int))
    if key is not None:
        query = query.where(beyond([User.display_name, User.id], key))
    rows = [PersonRow(**row._mapping) for row in session.execute(query)]
    return page_from_rows(rows, limit, lambda row: (row.display_name, row.id))


@dataclass(frozen=True)
class Profile:
    user: User
    department: Department | None
    manager: User | None
    direct_reports: list[User]


def get_profile(session: Session, user_id: int) -> Profile | None:
    """A person with their department, manager and direct reports, in two statements."""
    manager = aliased(User, name="manager")
    row = session.execute(
        select(User, Department, manager)
        .outerjoin(Department, User.department_id == Department.id)
        .outerjoin(manager, User.manager_id == manager.id)
        .where(User.id == user_id)
    ).first()
    if row is None:
        return None
    reports = list(
        session.scalars(
            select(User)
            .where(User.manager_id == user_id, User.active.is_(True))
            .order_by(User.display_name, User.id)
        )
    )
    return Profile(
        user=row.User, department=row.Department, manager=row.manager, direct_reports=reports
    )


def list_departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.name)))
