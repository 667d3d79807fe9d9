"""What a directory does to people and groups, through the same services as the admin forms.

People are created, changed and (de)activated by portal.accounts.services, so every rule
there (valid and unique emails, managers without loops, sessions ended on deactivation, and
whatever rules are added there) holds for SCIM too. Each change is also audited with the
name of the token that made it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, exists, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.accounts.services import (
    PersonDetails,
    create_person,
    find_user_by_email,
    set_person_active,
    update_person,
)
from portal.core.audit import record_audit
from portal.core.db import utcnow
from portal.core.errors import Conflict
from portal.identity.actors import system_actor
from portal.scim.models import ScimAccount, ScimGroup, ScimGroupMember, ScimToken
from portal.scim.protocol import ScimError, invalid_value
from portal.scim.queries import UserRow, as_id, get_user_row
from portal.scim.tokens import note_token_change
from portal.scim.users import UserState

RoleGroups = Mapping[str, Role]
"""Lower-cased group names that grant a role (PORTAL_SCIM_ADMIN_GROUP, ..._MANAGER_GROUP)."""


def directory_actor(token: ScimToken) -> User:
    return system_actor(f"SCIM token {token.name}")


def _audit(session: Session, token: ScimToken, action: str, target: str, detail: str = "") -> None:
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


def _details(session: Session, state: UserState, role: Role) -> tuple[PersonDetails, int | None]:
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
    return details, manager.id if manager else None


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


def create_user(session: Session, token: ScimToken, state: UserState) -> User:
    """A joiner. Two requests for one person at once make one person and one 409."""
    actor = directory_actor(token)
    details, _ = _details(session, state, Role.EMPLOYEE)
    user = create_person(session, actor, details)
    if state.external_id:
        _set_external_id(session, user, state.external_id)
    if not state.active:
        set_person_active(session, actor, user, False)
    _audit(session, token, "scim_user_created", user.email)
    session.flush()
    return user


def update_user(session: Session, token: ScimToken, row: UserRow, state: UserState) -> None:
    """Write a changed state (PUT or PATCH); only what changed goes through the services."""
    actor = directory_actor(token)
    user = row.user
    before = state_of(row)
    details, manager_id = _details(session, state, user.role)
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
        _audit(session, token, "scim_user_updated", user.email, ", ".join(changes))
    session.flush()


def delete_user(session: Session, token: ScimToken, row: UserRow) -> None:
    """A leaver deleted in the directory: deactivated, their sessions ended, their ideas, votes,
    awards and packets kept; SCIM no longer shows them."""
    user = row.user
    set_person_active(session, directory_actor(token), user, False)
    account = session.get(ScimAccount, user.id) or ScimAccount(user_id=user.id)
    account.deleted_at = utcnow()
    account.external_id = None
    session.add(account)
    session.execute(delete(ScimGroupMember).where(ScimGroupMember.user_id == user.id))
    _audit(session, token, "scim_user_deleted", user.email, "deactivated")
    session.flush()


# Groups


def _member_ids(value: Any) -> set[int]:
    items = value if isinstance(value, list) else [value]
    ids = set()
    for item in items:
        reference = item.get("value") if isinstance(item, dict) else item
        member_id = as_id(str(reference)) if reference is not None else None
        if member_id is None:
            raise invalid_value(f"“{reference}” is not a member id.")
        ids.add(member_id)
    return ids


def _check_members(session: Session, ids: set[int]) -> None:
    if not ids:
        return
    found = set(
        session.scalars(
            select(User.id)
            .outerjoin(ScimAccount, ScimAccount.user_id == User.id)
            .where(User.id.in_(ids), ScimAccount.deleted_at.is_(None))
        )
    )
    missing = sorted(ids - found)
    if missing:
        raise invalid_value(f"No user has the id {missing[0]}.")


def _current_member_ids(session: Session, group: ScimGroup) -> set[int]:
    return set(
        session.scalars(select(ScimGroupMember.user_id).where(ScimGroupMember.group_id == group.id))
    )


def _set_members(session: Session, group: ScimGroup, wanted: set[int]) -> tuple[int, int]:
    current = _current_member_ids(session, group)
    _check_members(session, wanted - current)
    added, removed = wanted - current, current - wanted
    if removed:
        session.execute(
            delete(ScimGroupMember).where(
                ScimGroupMember.group_id == group.id, ScimGroupMember.user_id.in_(removed)
            )
        )
    if added:
        session.execute(
            insert(ScimGroupMember),
            [{"group_id": group.id, "user_id": user_id} for user_id in sorted(added)],
        )
    return len(added), len(removed)


def _group_name(value: Any) -> str:
    if not isinstance(value, str) or not " ".join(value.split()):
        raise invalid_value("displayName is required.")
    name = " ".join(value.split())
    if len(name) > 255 or any(ord(char) < 32 for char in name):
        raise invalid_value("displayName is too long or has control characters.")
    return name


def _group_external_id(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 255:
        raise invalid_value("externalId must be a string of at most 255 characters.")
    return value


def _save_group(session: Session, group: ScimGroup) -> None:
    try:
        with session.begin_nested():
            session.add(group)
            session.flush()
    except IntegrityError as error:
        raise Conflict(
            f"A group named “{group.display_name}” or with that externalId exists already."
        ) from error


def _role_of(session: Session, user: User, role_groups: RoleGroups) -> Role:
    """The highest role the person's mapped groups grant; without one, manager for someone
    with active reports, else employee."""
    names = session.scalars(
        select(ScimGroup.display_name)
        .join(ScimGroupMember, ScimGroupMember.group_id == ScimGroup.id)
        .where(ScimGroupMember.user_id == user.id)
    )
    granted = [role_groups[name.lower()] for name in names if name.lower() in role_groups]
    if granted:
        return max(granted, key=lambda role: role.rank)
    has_reports = session.scalar(
        select(exists().where(User.manager_id == user.id, User.active.is_(True)))
    )
    return Role.MANAGER if has_reports else Role.EMPLOYEE


def _sync_roles(
    session: Session, token: ScimToken, user_ids: Iterable[int], role_groups: RoleGroups
) -> None:
    actor = directory_actor(token)
    for user_id in sorted(set(user_ids)):
        row = get_user_row(session, user_id)
        if row is None or not row.user.active:
            continue
        role = _role_of(session, row.user, role_groups)
        if role is not row.user.role:
            details, _ = _details(session, state_of(row), role)
            update_person(session, actor, row.user, details)
            _audit(session, token, "scim_role_changed", row.user.email, f"role {role.value}")


def _is_mapped(name: str | None, role_groups: RoleGroups) -> bool:
    return bool(name) and name.lower() in role_groups


def create_group(
    session: Session, token: ScimToken, body: dict[str, Any], role_groups: RoleGroups
) -> ScimGroup:
    group = ScimGroup(
        display_name=_group_name(body.get("displayName")),
        external_id=_group_external_id(body.get("externalId")),
    )
    wanted = _member_ids(body.get("members") or [])
    _check_members(session, wanted)
    _save_group(session, group)
    _set_members(session, group, wanted)
    _audit(session, token, "scim_group_created", group.display_name, f"{len(wanted)} members")
    if _is_mapped(group.display_name, role_groups):
        _sync_roles(session, token, wanted, role_groups)
    session.flush()
    return group


def _apply_group_change(
    session: Session,
    token: ScimToken,
    group: ScimGroup,
    *,
    name: str,
    external_id: str | None,
    members: set[int],
    role_groups: RoleGroups,
) -> None:
    old_name, old_members = group.display_name, _current_member_ids(session, group)
    group.display_name, group.external_id = name, external_id
    _save_group(session, group)
    added, removed = _set_members(session, group, members)
    detail = f"{added} members added, {removed} removed" + (
        f", renamed from {old_name}" if old_name != name else ""
    )
    _audit(session, token, "scim_group_updated", group.display_name, detail)
    if _is_mapped(old_name, role_groups) or _is_mapped(name, role_groups):
        _sync_roles(session, token, old_members | members, role_groups)
    session.flush()


def replace_group(
    session: Session,
    token: ScimToken,
    group: ScimGroup,
    body: dict[str, Any],
    role_groups: RoleGroups,
) -> None:
    _apply_group_change(
        session,
        token,
        group,
        name=_group_name(body.get("displayName")),
        external_id=_group_external_id(body.get("externalId")),
        members=_member_ids(body.get("members") or []),
        role_groups=role_groups,
    )


def _members_in_path(path: str) -> set[int] | None:
    """`members[value eq "12"]`: the member a remove names; None for the plain `members`."""
    lowered = path.strip()
    if not lowered.lower().startswith("members["):
        return None
    inside = lowered[lowered.index("[") + 1 : lowered.rindex("]")]
    parts = inside.split()
    if len(parts) != 3 or parts[0].lower() != "value" or parts[1].lower() != "eq":
        raise ScimError(400, f"Unsupported member filter “{inside}”.", "invalidFilter")
    return _member_ids(parts[2].strip('"'))


def patch_group(
    session: Session,
    token: ScimToken,
    group: ScimGroup,
    operations: list[tuple[str, str | None, Any]],
    role_groups: RoleGroups,
) -> None:
    name, external_id = group.display_name, group.external_id
    members = _current_member_ids(session, group)
    for op, path, value in operations:
        key = (path or "").strip().lower()
        if not path:
            if op == "remove" or not isinstance(value, dict):
                raise ScimError(400, "This operation needs a path.", "noTarget")
            for attribute, attribute_value in value.items():
                operations_key = attribute.lower()
                if operations_key == "displayname":
                    name = _group_name(attribute_value)
                elif operations_key == "externalid":
                    external_id = _group_external_id(attribute_value)
                elif operations_key == "members":
                    members = _patched_members(op, members, attribute_value)
        elif key == "displayname":
            if op == "remove":
                raise ScimError(400, "displayName cannot be removed.", "mutability")
            name = _group_name(value)
        elif key == "externalid":
            external_id = None if op == "remove" else _group_external_id(value)
        elif key == "members" or key.startswith("members["):
            named = _members_in_path(path)
            if op == "remove" and named is not None:
                members -= named
            elif op == "remove":
                # A plain "members" path removes the members listed, or all of them.
                members = members - _member_ids(value) if value else set()
            else:
                members = _patched_members(op, members, value)
    _apply_group_change(
        session,
        token,
        group,
        name=name,
        external_id=external_id,
        members=members,
        role_groups=role_groups,
    )


def _patched_members(op: str, members: set[int], value: Any) -> set[int]:
    given = _member_ids(value or [])
    return given if op == "replace" else members | given


def delete_group(
    session: Session, token: ScimToken, group: ScimGroup, role_groups: RoleGroups
) -> None:
    members = _current_member_ids(session, group)
    name = group.display_name
    session.delete(group)
    session.flush()
    _audit(session, token, "scim_group_deleted", name, f"{len(members)} members")
    if _is_mapped(name, role_groups):
        _sync_roles(session, token, members, role_groups)
    session.flush()
