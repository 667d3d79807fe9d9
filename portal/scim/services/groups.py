"""What a directory does to groups: their members, and the roles that mapped groups grant
(PORTAL_SCIM_ADMIN_GROUP, ..._MANAGER_GROUP), changed through the accounts services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, exists, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.accounts.services.people import update_person
from portal.core.errors import Conflict
from portal.scim.models import ScimAccount, ScimGroup, ScimGroupMember, ScimToken
from portal.scim.protocol import ScimError, invalid_value
from portal.scim.queries import as_id, get_user_row
from portal.scim.services.users import (
    audit_change,
    directory_actor,
    person_details,
    state_of,
)

RoleGroups = Mapping[str, Role]
"""Lower-cased group names that grant a role (PORTAL_SCIM_ADMIN_GROUP, ..._MANAGER_GROUP)."""


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
            details, _ = person_details(session, state_of(row), role)
            update_person(session, actor, row.user, details)
            audit_change(session, token, "scim_role_changed", row.user.email, f"role {role.value}")


def _is_mapped(name: str | None, role_groups: RoleGroups) -> bool:
    return name is not None and name.lower() in role_groups


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
    audit_change(session, token, "scim_group_created", group.display_name, f"{len(wanted)} members")
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
    audit_change(session, token, "scim_group_updated", group.display_name, detail)
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
    audit_change(session, token, "scim_group_deleted", name, f"{len(members)} members")
    if _is_mapped(name, role_groups):
        _sync_roles(session, token, members, role_groups)
    session.flush()


def leave_all_groups(
    session: Session, token: ScimToken, user: User, role_groups: RoleGroups
) -> None:
    """A person deleted in the directory leaves their groups, and the roles mapped groups gave
    them go with it (before they are deactivated, so the last-admin rule still judges it)."""
    names = list(
        session.scalars(
            select(ScimGroup.display_name)
            .join(ScimGroupMember, ScimGroupMember.group_id == ScimGroup.id)
            .where(ScimGroupMember.user_id == user.id)
        )
    )
    session.execute(delete(ScimGroupMember).where(ScimGroupMember.user_id == user.id))
    if any(_is_mapped(name, role_groups) for name in names):
        _sync_roles(session, token, [user.id], role_groups)
