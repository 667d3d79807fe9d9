"""Read-only queries: SCIM tokens for the admin page, people and groups as SCIM shows them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, func, select, true
from sqlalchemy.orm import Session, aliased

from portal.accounts.models import Department, User
from portal.scim.models import ScimAccount, ScimGroup, ScimGroupMember, ScimToken
from portal.scim.protocol import EqualityFilter, PageRequest


@dataclass(frozen=True)
class TokenRow:
    token: ScimToken
    created_by: str | None


def list_tokens(session: Session) -> list[TokenRow]:
    """Active tokens first, newest first; one statement."""
    token = aliased(ScimToken, name="token")
    query = (
        select(token, User.display_name.label("created_by"))
        .outerjoin(User, token.created_by_id == User.id)
        .order_by(token.revoked_at.is_not(None), token.created_at.desc(), token.id)
    )
    return [TokenRow(**row._mapping) for row in session.execute(query)]


Manager = aliased(User)
MAX_ID = 2**31 - 1


def as_id(value: str) -> int | None:
    """A resource id as the database keeps it; anything else names no resource."""
    if not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


@dataclass(frozen=True)
class UserRow:
    user: User
    department: str
    manager_id: int | None
    manager_name: str | None
    external_id: str | None


def _user_rows():
    return (
        select(User, Department.name, Manager.id, Manager.display_name, ScimAccount.external_id)
        .outerjoin(Department, User.department_id == Department.id)
        .outerjoin(Manager, User.manager_id == Manager.id)
        .outerjoin(ScimAccount, ScimAccount.user_id == User.id)
        .where(ScimAccount.deleted_at.is_(None))
    )


def _row(values) -> UserRow:
    user, department, manager_id, manager_name, external_id = values
    return UserRow(user, department or "", manager_id, manager_name, external_id)


USER_FILTERS = {
    "username": "email",
    "emails.value": "email",
    "emails": "email",
    "externalid": "external_id",
    "id": "id",
    "displayname": "display_name",
}


def _user_condition(found: EqualityFilter | None):
    if found is None:
        return true()
    if found.attribute == "email":
        return User.email == found.value.strip().lower()
    if found.attribute == "external_id":
        return ScimAccount.external_id == found.value
    if found.attribute == "display_name":
        return User.display_name == found.value
    return User.id == as_id(found.value) if as_id(found.value) else false()


def list_users(
    session: Session, found: EqualityFilter | None, page: PageRequest
) -> tuple[int, list[UserRow]]:
    """The people SCIM shows (all but those it deleted), by id; two statements."""
    condition = _user_condition(found)
    total = session.scalar(
        select(func.count())
        .select_from(User)
        .outerjoin(ScimAccount, ScimAccount.user_id == User.id)
        .where(ScimAccount.deleted_at.is_(None), condition)
    )
    if not page.count or page.offset >= (total or 0):
        return total or 0, []
    rows = session.execute(
        _user_rows().where(condition).order_by(User.id).offset(page.offset).limit(page.count)
    )
    return total or 0, [_row(values) for values in rows]


def get_user_row(session: Session, user_id: int, *, for_update: bool = False) -> UserRow | None:
    """One person as SCIM sees them; for a change, their row is locked until the commit."""
    query = _user_rows().where(User.id == user_id)
    if for_update:
        query = query.with_for_update(of=User)
    values = session.execute(query).first()
    return _row(values) if values is not None else None


@dataclass(frozen=True)
class GroupRow:
    group: ScimGroup
    members: list[tuple[int, str]]


GROUP_FILTERS = {"displayname": "display_name", "externalid": "external_id", "id": "id"}


def _group_condition(found: EqualityFilter | None):
    if found is None:
        return true()
    if found.attribute == "display_name":
        return ScimGroup.display_name == found.value
    if found.attribute == "external_id":
        return ScimGroup.external_id == found.value
    return ScimGroup.id == as_id(found.value) if as_id(found.value) else false()


def _with_members(session: Session, groups: list[ScimGroup]) -> list[GroupRow]:
    members: dict[int, list[tuple[int, str]]] = {group.id: [] for group in groups}
    if groups:
        rows = session.execute(
            select(ScimGroupMember.group_id, User.id, User.display_name)
            .join(User, ScimGroupMember.user_id == User.id)
            .where(ScimGroupMember.group_id.in_(members))
            .order_by(ScimGroupMember.group_id, User.id)
        )
        for group_id, user_id, name in rows:
            members[group_id].append((user_id, name))
    return [GroupRow(group, members[group.id]) for group in groups]


def list_groups(
    session: Session, found: EqualityFilter | None, page: PageRequest, *, with_members: bool
) -> tuple[int, list[GroupRow]]:
    """Groups by id with their members; three statements."""
    condition = _group_condition(found)
    total = session.scalar(select(func.count()).select_from(ScimGroup).where(condition)) or 0
    if not page.count or page.offset >= total:
        return total, []
    groups = list(
        session.scalars(
            select(ScimGroup)
            .where(condition)
            .order_by(ScimGroup.id)
            .offset(page.offset)
            .limit(page.count)
        )
    )
    if not with_members:
        return total, [GroupRow(group, []) for group in groups]
    return total, _with_members(session, groups)


def get_group_row(session: Session, group_id: int, *, for_update: bool = False) -> GroupRow | None:
    query = select(ScimGroup).where(ScimGroup.id == group_id)
    if for_update:
        query = query.with_for_update()
    group = session.scalar(query)
    return _with_members(session, [group])[0] if group is not None else None
