"""Portal people and groups as SCIM resources, and the discovery documents (RFC 7643 §5-§7).

The schemas are scim2-models' own descriptions of the standard schemas, narrowed to the
attributes the portal keeps, so a client knows what it can rely on.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import datetime
from functools import cache
from typing import Any

from scim2_models import Context, EnterpriseUser, Group, ResourceType, User

from portal.scim.protocol import (
    ENTERPRISE_SCHEMA,
    GROUP_SCHEMA,
    MAX_PAGE_SIZE,
    USER_SCHEMA,
    etag_of,
)
from portal.scim.queries import GroupRow, UserRow

KEPT_ATTRIBUTES = {
    USER_SCHEMA: {"userName", "name", "displayName", "title", "active", "emails"},
    ENTERPRISE_SCHEMA: {"department", "manager"},
    GROUP_SCHEMA: {"displayName", "members"},
}
KEPT_NAME_PARTS = {"formatted", "givenName", "familyName"}


def _timestamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _meta(kind: str, location: str, created: datetime, modified: datetime) -> dict[str, Any]:
    return {
        "resourceType": kind,
        "created": _timestamp(created),
        "lastModified": _timestamp(modified),
        "location": location,
    }


def user_resource(row: UserRow, users_url: str) -> dict[str, Any]:
    user = row.user
    given, _, family = user.display_name.partition(" ")
    name = {"formatted": user.display_name, "givenName": given}
    if family:
        name["familyName"] = family
    enterprise: dict[str, Any] = {}
    if row.department:
        enterprise["department"] = row.department
    if row.manager_id is not None:
        enterprise["manager"] = {
            "value": str(row.manager_id),
            "$ref": f"{users_url}/{row.manager_id}",
            "displayName": row.manager_name,
        }
    resource: dict[str, Any] = {
        "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
        "id": str(user.id),
        "userName": user.email,
        "name": name,
        "displayName": user.display_name,
        "active": user.active,
        "emails": [{"value": user.email, "type": "work", "primary": True}],
        ENTERPRISE_SCHEMA: enterprise,
    }
    if row.external_id:
        resource["externalId"] = row.external_id
    if user.job_title:
        resource["title"] = user.job_title
    location = f"{users_url}/{user.id}"
    resource["meta"] = _meta("User", location, user.created_at, user.updated_at)
    resource["meta"]["version"] = etag_of(resource)
    return resource


def group_resource(
    row: GroupRow, groups_url: str, users_url: str, *, with_members: bool = True
) -> dict[str, Any]:
    group = row.group
    resource: dict[str, Any] = {
        "schemas": [GROUP_SCHEMA],
        "id": str(group.id),
        "displayName": group.display_name,
    }
    if group.external_id:
        resource["externalId"] = group.external_id
    if with_members:
        resource["members"] = [
            {
                "value": str(user_id),
                "display": name,
                "$ref": f"{users_url}/{user_id}",
                "type": "User",
            }
            for user_id, name in row.members
        ]
    location = f"{groups_url}/{group.id}"
    resource["meta"] = _meta("Group", location, group.created_at, group.updated_at)
    if with_members:
        resource["meta"]["version"] = etag_of(resource)
    return resource


def _narrowed(attributes: list[dict[str, Any]], kept: set[str]) -> list[dict[str, Any]]:
    narrowed = []
    for attribute in attributes:
        if attribute["name"] not in kept:
            continue
        if attribute["name"] == "name":
            attribute = {
                **attribute,
                "subAttributes": [
                    sub for sub in attribute["subAttributes"] if sub["name"] in KEPT_NAME_PARTS
                ],
            }
        narrowed.append(attribute)
    return narrowed


@cache
def _schemas() -> tuple[dict[str, Any], ...]:
    schemas = []
    for model in (User, EnterpriseUser, Group):
        schema = model.to_schema().model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
        schema["attributes"] = _narrowed(schema["attributes"], KEPT_ATTRIBUTES[schema["id"]])
        schemas.append(schema)
    return tuple(schemas)


def _located(
    documents: tuple[dict[str, Any], ...], resource_type: str, base: str
) -> list[dict[str, Any]]:
    """Copies of the documents, each with its meta: what it is and where it is."""
    located = []
    for document in deepcopy(documents):
        document["meta"] = {"resourceType": resource_type, "location": f"{base}/{document['id']}"}
        located.append(document)
    return located


def schemas(base_url: str) -> list[dict[str, Any]]:
    return _located(_schemas(), "Schema", f"{base_url}/Schemas")


@cache
def _resource_types() -> tuple[dict[str, Any], ...]:
    return tuple(
        ResourceType.from_resource(model).model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
        for model in (User[EnterpriseUser], Group)
    )


def resource_types(base_url: str) -> list[dict[str, Any]]:
    return _located(_resource_types(), "ResourceType", f"{base_url}/ResourceTypes")


def service_provider_config(base_url: str, documentation_url: str) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": documentation_url,
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_PAGE_SIZE},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": True},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A token an admin creates on the portal's Sign-in and directory "
                "page or with `flask --app wsgi scim create-token NAME`.",
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": f"{base_url}/ServiceProviderConfig",
        },
    }
