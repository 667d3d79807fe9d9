"""SCIM Users as portal people: the attributes we keep, and PATCH applied to them.

A person is one email, one name, a job title, a department, a manager and whether they are
active. userName and the work email are both the person's email; a name's parts are the
first word of the name and the rest. Attributes the portal does not keep are ignored, as
RFC 7644 allows; removing one the portal needs (userName, displayName, active) is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portal.scim.protocol import ENTERPRISE_SCHEMA, USER_SCHEMA, ScimError, invalid_value

ENTERPRISE = ENTERPRISE_SCHEMA.lower()
TEXT_LIMITS = {
    "userName": 254,
    "displayName": 120,
    "title": 120,
    "department": 120,
    "externalId": 255,
    "manager": 255,
}
IGNORED = {"schemas", "id", "meta", "groups"}
REQUIRED = {"username", "displayname", "name.formatted", "active", "name"}


def _text(value: Any, attribute: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise invalid_value(f"{attribute} must be a string.")
    text = value.strip()
    if len(text) > TEXT_LIMITS.get(attribute, 255):
        raise invalid_value(f"{attribute} is longer than {TEXT_LIMITS.get(attribute, 255)}.")
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise invalid_value(f"{attribute} contains control characters.")
    return text


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"  # Entra ID sends "True" and "False"
    raise invalid_value("active must be true or false.")


def _work_email(emails: Any) -> str:
    if isinstance(emails, dict):
        emails = [emails]
    if not isinstance(emails, list) or not all(isinstance(item, dict) for item in emails):
        raise invalid_value("emails must be a list of objects with a value.")
    chosen = (
        next((item for item in emails if item.get("primary") is True), None)
        or next((item for item in emails if str(item.get("type", "")).lower() == "work"), None)
        or (emails[0] if emails else {})
    )
    return _text(chosen.get("value"), "userName")


def normalize_path(path: str) -> str:
    """Lower case, the core schema's URN dropped, the enterprise one shortened to `enterprise`;
    a value filter on emails (`emails[type eq "work"].value`) reads as `emails.value`."""
    lowered = path.strip().lower()
    if lowered.startswith(ENTERPRISE):
        rest = lowered[len(ENTERPRISE) :].lstrip(":")
        return f"enterprise:{rest}" if rest else "enterprise"
    lowered = lowered.removeprefix(USER_SCHEMA.lower() + ":")
    if lowered.startswith("emails[") and "]" in lowered:
        after = lowered[lowered.index("]") + 1 :]
        return "emails.value" if after in {".value", ""} else f"emails{after}"
    return lowered


@dataclass
class UserState:
    """What SCIM sees of a person, changed attribute by attribute and then written at once."""

    user_name: str = ""
    work_email: str = ""
    display_name: str = ""
    given_name: str = ""
    family_name: str = ""
    title: str = ""
    active: bool = True
    external_id: str | None = None
    department: str = ""
    manager_ref: str | None = None
    changed: set[str] = field(default_factory=set)

    @classmethod
    def of_person(
        cls,
        *,
        email: str,
        display_name: str,
        title: str,
        active: bool,
        external_id: str | None,
        department: str,
        manager_id: int | None,
    ) -> UserState:
        given, _, family = display_name.partition(" ")
        return cls(
            user_name=email,
            work_email=email,
            display_name=display_name,
            given_name=given,
            family_name=family,
            title=title,
            active=active,
            external_id=external_id,
            department=department,
            manager_ref=str(manager_id) if manager_id is not None else None,
        )

    @property
    def email(self) -> str:
        if "userName" in self.changed and "@" in self.user_name:
            return self.user_name
        if "emails" in self.changed and self.work_email:
            return self.work_email
        return self.user_name if "@" in self.user_name else self.work_email or self.user_name

    @property
    def name(self) -> str:
        if "displayName" in self.changed and self.display_name:
            return self.display_name
        if "name" in self.changed and (self.given_name or self.family_name):
            return " ".join(part for part in (self.given_name, self.family_name) if part)
        # Only userName is required by SCIM: someone known by nothing else goes by their address.
        return self.display_name or self.email.split("@")[0]

    def check_complete(self) -> None:
        if not self.email:
            raise invalid_value("userName is required.")
        if len(self.name) > TEXT_LIMITS["displayName"]:
            raise invalid_value("The name is longer than 120 characters.")

    def set(self, path: str, value: Any) -> None:
        key = normalize_path(path)
        if key in IGNORED:
            return
        if key in {"name", "enterprise"}:
            if not isinstance(value, dict):
                raise invalid_value(f"{path} must be an object.")
            prefix = "name." if key == "name" else f"{ENTERPRISE_SCHEMA}:"
            for sub, sub_value in value.items():
                self.set(prefix + sub, sub_value)
            return
        setter = _SETTERS.get(key)
        if setter is not None:
            setter(self, value)

    def remove(self, path: str) -> None:
        key = normalize_path(path)
        if key in REQUIRED:
            raise ScimError(400, f"{path} cannot be removed.", "mutability")
        remover = _REMOVERS.get(key)
        if remover is not None:
            remover(self)

    def set_all(self, attributes: dict[str, Any]) -> None:
        for key, value in attributes.items():
            self.set(key, value)


def _set_user_name(state: UserState, value: Any) -> None:
    state.user_name = _text(value, "userName").lower()
    state.changed.add("userName")


def _set_work_email(state: UserState, value: Any) -> None:
    state.work_email = _text(value, "userName").lower()
    state.changed.add("emails")


def _set_emails(state: UserState, value: Any) -> None:
    state.work_email = _work_email(value).lower()
    state.changed.add("emails")


def _set_display_name(state: UserState, value: Any) -> None:
    state.display_name = " ".join(_text(value, "displayName").split())
    state.changed.add("displayName")


def _set_given_name(state: UserState, value: Any) -> None:
    state.given_name = _text(value, "displayName")
    state.changed.add("name")


def _set_family_name(state: UserState, value: Any) -> None:
    state.family_name = _text(value, "displayName")
    state.changed.add("name")


def _set_title(state: UserState, value: Any) -> None:
    state.title = _text(value, "title")


def _set_active(state: UserState, value: Any) -> None:
    state.active = _boolean(value)


def _set_external_id(state: UserState, value: Any) -> None:
    state.external_id = _text(value, "externalId") or None


def _set_department(state: UserState, value: Any) -> None:
    state.department = _text(value, "department")


def _set_manager(state: UserState, value: Any) -> None:
    if isinstance(value, dict):
        value = value.get("value")
    elif isinstance(value, list):  # Entra ID has sent a one-item list
        value = value[0].get("value") if value and isinstance(value[0], dict) else None
    state.manager_ref = _text(value, "manager") or None


_SETTERS = {
    "username": _set_user_name,
    "emails": _set_emails,
    "emails.value": _set_work_email,
    "displayname": _set_display_name,
    "name.formatted": _set_display_name,
    "name.givenname": _set_given_name,
    "name.familyname": _set_family_name,
    "title": _set_title,
    "active": _set_active,
    "externalid": _set_external_id,
    "enterprise:department": _set_department,
    "enterprise:manager": _set_manager,
    "enterprise:manager.value": _set_manager,
}


def _clear(attribute: str, value: Any):
    def remove(state: UserState) -> None:
        setattr(state, attribute, value)
        if attribute in {"given_name", "family_name"}:
            state.changed.add("name")

    return remove


_REMOVERS = {
    "title": _clear("title", ""),
    "externalid": _clear("external_id", None),
    "enterprise:department": _clear("department", ""),
    "enterprise:manager": _clear("manager_ref", None),
    "enterprise:manager.value": _clear("manager_ref", None),
    "name.givenname": _clear("given_name", ""),
    "name.familyname": _clear("family_name", ""),
}


def apply_patch(state: UserState, body: dict[str, Any]) -> None:
    """RFC 7644 §3.5.2, with the shapes Okta and Entra ID send: capitalised ops, no path and
    an object of attributes (dotted or URN-qualified keys), string booleans."""
    for operation in patch_operations(body):
        op, path, value = operation
        if op == "remove":
            if not path:
                raise ScimError(400, "A remove operation needs a path.", "noTarget")
            state.remove(path)
        elif path:
            state.set(path, value)
        elif isinstance(value, dict):
            state.set_all(value)
        else:
            raise invalid_value("An operation without a path needs an object value.")


def patch_operations(body: dict[str, Any]) -> list[tuple[str, str | None, Any]]:
    operations = body.get("Operations", body.get("operations"))
    if not isinstance(operations, list) or not operations:
        raise ScimError(400, "A PATCH request needs a list of Operations.", "invalidSyntax")
    parsed = []
    for operation in operations:
        if not isinstance(operation, dict):
            raise ScimError(400, "Each operation must be an object.", "invalidSyntax")
        op = str(operation.get("op", "")).lower()
        if op not in {"add", "replace", "remove"}:
            raise ScimError(400, "op must be add, replace or remove.", "invalidSyntax")
        path = operation.get("path")
        if path is not None and not isinstance(path, str):
            raise ScimError(400, "path must be a string.", "invalidPath")
        parsed.append((op, path or None, operation.get("value")))
    return parsed
