"""SCIM 2.0 endpoints under /scim/v2 (RFC 7644), for bearer tokens only.

A session cookie alone is refused with 401 here: the blueprint looks only at the
Authorization header. That is also why it is exempt from CSRF: a forged cross-site request
carries the victim's cookies but cannot carry a bearer token, and without one nothing runs.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app, g, request, url_for
from werkzeug.exceptions import HTTPException

from portal.accounts.models import Role
from portal.core.db import db_session, roll_back_request
from portal.core.errors import DomainError, roll_back_and_audit
from portal.core.extensions import csrf
from portal.scim import queries
from portal.scim.projection import WHOLE, Tree, names_attribute, parse_paths, project
from portal.scim.protocol import (
    ScimError,
    check_if_match,
    error_response,
    json_body,
    list_response,
    page_request,
    parse_filter,
    scim_response,
)
from portal.scim.resources import (
    group_resource,
    resource_types,
    schemas,
    service_provider_config,
    user_resource,
)
from portal.scim.services import groups, users
from portal.scim.tokens import find_active_token
from portal.scim.users import UserState, apply_patch, patch_operations

bp = Blueprint("scim", __name__, url_prefix="/scim/v2")
csrf.exempt(bp)


def bearer_token() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


@bp.before_request
def require_token() -> None:
    raw = bearer_token()
    token = find_active_token(db_session(), raw) if raw else None
    if token is None:
        roll_back_and_audit("scim_unauthorized")
        raise ScimError(401, "A valid SCIM bearer token is required.")
    g.scim_token = token


@bp.errorhandler(ScimError)
def scim_error(error: ScimError) -> Response:
    roll_back_request()
    return error_response(error)


@bp.errorhandler(DomainError)
def domain_error(error: DomainError) -> Response:
    """A rule of the portal said no: the same message the admin form shows."""
    roll_back_request()
    if error.status_code == 409:
        return error_response(ScimError(409, error.message, "uniqueness"))
    if error.status_code == 404:
        return error_response(ScimError(404, error.message))
    return error_response(ScimError(400, error.message, "invalidValue"))


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    roll_back_request()
    status = error.code or 500
    detail = "The request could not be handled." if status >= 500 else error.description
    return error_response(ScimError(status, detail or error.name))


def base_url() -> str:
    return url_for("scim.service_provider_config_view", _external=True).rsplit("/", 1)[0]


def users_url() -> str:
    return f"{base_url()}/Users"


def groups_url() -> str:
    return f"{base_url()}/Groups"


def role_groups() -> dict[str, Role]:
    config = current_app.config
    named = [(config["SCIM_MANAGER_GROUP"], Role.MANAGER), (config["SCIM_ADMIN_GROUP"], Role.ADMIN)]
    return {name.strip().lower(): role for name, role in named if name.strip()}


def if_none_match() -> set[str]:
    return {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}


def wanted_and_excluded() -> tuple[Tree | None, Tree | None]:
    """The request's `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5)."""
    return (
        parse_paths(request.args.get("attributes")),
        parse_paths(request.args.get("excludedAttributes")),
    )


def shown(resource: dict[str, Any]) -> dict[str, Any]:
    return project(resource, *wanted_and_excluded())


def resource_response(resource: dict[str, Any], status: int = 200) -> Response:
    etag = resource["meta"].get("version")
    if etag and request.method == "GET" and etag in if_none_match():
        return Response(status=304, headers={"ETag": etag})  # RFC 7644 §3.14
    response = scim_response(shown(resource), status, etag=etag)
    if status == 201:
        response.headers["Location"] = resource["meta"]["location"]
    return response


# Discovery


@bp.get("/ServiceProviderConfig")
def service_provider_config_view() -> Response:
    documentation = url_for("accounts.login", _external=True)
    return scim_response(service_provider_config(base_url(), documentation))


@bp.get("/ResourceTypes")
def resource_types_view() -> Response:
    documents = resource_types(base_url())
    page = page_request()
    return list_response(documents, len(documents), page)


def document_with_id(documents: list[dict[str, Any]], wanted: str, missing: str) -> Response:
    for document in documents:
        if document["id"] == wanted:
            return scim_response(document)
    raise ScimError(404, missing)


@bp.get("/ResourceTypes/<name>")
def resource_type_view(name: str) -> Response:
    return document_with_id(resource_types(base_url()), name, f"No resource type is named {name}.")


@bp.get("/Schemas")
def schemas_view() -> Response:
    documents = schemas(base_url())
    return list_response(documents, len(documents), page_request())


@bp.get("/Schemas/<path:schema_id>")
def schema_view(schema_id: str) -> Response:
    return document_with_id(schemas(base_url()), schema_id, f"No schema has the id {schema_id}.")


# Users


def user_or_404(raw_id: str, *, for_update: bool = False) -> queries.UserRow:
    user_id = queries.as_id(raw_id)
    row = queries.get_user_row(db_session(), user_id, for_update=for_update) if user_id else None
    if row is None:
        raise ScimError(404, f"No user has the id {raw_id[:40]}.")
    return row


def user_to_change(raw_id: str) -> queries.UserRow:
    """The user, locked, if the client's If-Match names its current version."""
    row = user_or_404(raw_id, for_update=True)
    check_if_match(user_resource(row, users_url())["meta"]["version"])
    return row


def current_user_resource(user_id: int, status: int = 200) -> Response:
    row = queries.get_user_row(db_session(), user_id)
    assert row is not None
    return resource_response(user_resource(row, users_url()), status)


@bp.get("/Users")
def list_users() -> Response:
    found = parse_filter(request.args.get("filter"), queries.USER_FILTERS)
    page = page_request()
    total, rows = queries.list_users(db_session(), found, page)
    return list_response([shown(user_resource(row, users_url())) for row in rows], total, page)


@bp.post("/Users")
def create_user() -> Response:
    state = UserState()
    state.set_all(json_body())
    created = users.create_user(db_session(), g.scim_token, state)
    return resource_response(user_resource(created, users_url()), 201)


@bp.get("/Users/<user_id>")
def get_user(user_id: str) -> Response:
    return resource_response(user_resource(user_or_404(user_id), users_url()))


@bp.put("/Users/<user_id>")
def replace_user(user_id: str) -> Response:
    row = user_to_change(user_id)
    state = UserState(active=row.user.active)
    state.set_all(json_body())
    users.update_user(db_session(), g.scim_token, row, state)
    return current_user_resource(row.user.id)


@bp.patch("/Users/<user_id>")
def patch_user(user_id: str) -> Response:
    row = user_to_change(user_id)
    state = users.state_of(row)
    apply_patch(state, json_body())
    users.update_user(db_session(), g.scim_token, row, state)
    return current_user_resource(row.user.id)


@bp.delete("/Users/<user_id>")
def delete_user(user_id: str) -> Response:
    row = user_to_change(user_id)
    groups.leave_all_groups(db_session(), g.scim_token, row.user, role_groups())
    users.delete_user(db_session(), g.scim_token, row)
    return Response(status=204)


# Groups


def group_or_404(raw_id: str, *, for_update: bool = False) -> queries.GroupRow:
    group_id = queries.as_id(raw_id)
    row = queries.get_group_row(db_session(), group_id, for_update=for_update) if group_id else None
    if row is None:
        raise ScimError(404, f"No group has the id {raw_id[:40]}.")
    return row


def members_wanted() -> bool:
    """Members are read only for a reply that shows them: a big group's are many."""
    wanted, excluded = wanted_and_excluded()
    if wanted is not None:
        return names_attribute(wanted, "members")
    return excluded is None or excluded.get("members") is not WHOLE


def group_json(row: queries.GroupRow, *, with_members: bool = True) -> dict[str, Any]:
    return group_resource(row, groups_url(), users_url(), with_members=with_members)


def group_to_change(raw_id: str) -> queries.GroupRow:
    """The group, locked, if the client's If-Match names its current version."""
    row = group_or_404(raw_id, for_update=True)
    check_if_match(group_json(row)["meta"]["version"])
    return row


def current_group_resource(group_id: int, status: int = 200) -> Response:
    row = queries.get_group_row(db_session(), group_id)
    assert row is not None
    return resource_response(group_json(row, with_members=members_wanted()), status)


@bp.get("/Groups")
def list_groups() -> Response:
    found = parse_filter(request.args.get("filter"), queries.GROUP_FILTERS)
    page = page_request()
    with_members = members_wanted()
    total, rows = queries.list_groups(db_session(), found, page, with_members=with_members)
    resources = [shown(group_json(row, with_members=with_members)) for row in rows]
    return list_response(resources, total, page)


@bp.post("/Groups")
def create_group() -> Response:
    group = groups.create_group(db_session(), g.scim_token, json_body(), role_groups())
    return current_group_resource(group.id, 201)


@bp.get("/Groups/<group_id>")
def get_group(group_id: str) -> Response:
    row = group_or_404(group_id)
    return resource_response(group_json(row, with_members=members_wanted()))


@bp.put("/Groups/<group_id>")
def replace_group(group_id: str) -> Response:
    row = group_to_change(group_id)
    groups.replace_group(db_session(), g.scim_token, row.group, json_body(), role_groups())
    return current_group_resource(row.group.id)


@bp.patch("/Groups/<group_id>")
def patch_group(group_id: str) -> Response:
    row = group_to_change(group_id)
    operations = patch_operations(json_body())
    groups.patch_group(db_session(), g.scim_token, row.group, operations, role_groups())
    return current_group_resource(row.group.id)


@bp.delete("/Groups/<group_id>")
def delete_group(group_id: str) -> Response:
    row = group_to_change(group_id)
    groups.delete_group(db_session(), g.scim_token, row.group, role_groups())
    return Response(status=204)


KNOWN_PATHS = re.compile(
    r"^(ServiceProviderConfig|ResourceTypes(/[^/]+)?|Schemas(/.+)?|(Users|Groups)(/[^/]+)?)$"
)


@bp.route("/<path:anything>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(anything: str) -> Response:
    """Anything else under /scim/v2 answers in SCIM's shape, not with the site's HTML page."""
    if KNOWN_PATHS.match(anything):
        raise ScimError(405, f"{request.method} is not allowed on /{anything[:80]}.")
    raise ScimError(404, f"There is no SCIM endpoint /{anything[:80]}.")
