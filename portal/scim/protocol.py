"""The SCIM protocol's edges (RFC 7644): errors, JSON responses, paging and the filters we serve."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from flask import Response, request

CONTENT_TYPE = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
MAX_START_INDEX = 1_000_000_000


class ScimError(Exception):
    """An RFC 7644 §3.12 error: an HTTP status, an optional scimType and a detail."""

    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type


def invalid_value(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidValue")


def scim_response(body: dict[str, Any], status: int = 200, etag: str | None = None) -> Response:
    response = Response(json.dumps(body), status=status, content_type=CONTENT_TYPE)
    if etag:
        response.headers["ETag"] = etag
    return response


def error_response(error: ScimError) -> Response:
    body: dict[str, Any] = {
        "schemas": [ERROR_SCHEMA],
        "status": str(error.status),
        "detail": error.detail,
    }
    if error.scim_type:
        body["scimType"] = error.scim_type
    response = scim_response(body, error.status)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="SCIM"'
    return response


def etag_of(representation: dict[str, Any]) -> str:
    """A weak ETag of everything a client sees of a resource except its meta."""
    content = {key: value for key, value in representation.items() if key != "meta"}
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    return f'W/"{digest[:20]}"'


def check_if_match(current_etag: str) -> None:
    """A change sent with If-Match applies only to the version the client last saw."""
    wanted = request.headers.get("If-Match")
    if wanted is None:
        return
    tags = {tag.strip() for tag in wanted.split(",")}
    if "*" not in tags and current_etag not in tags:
        raise ScimError(
            412, "The resource changed since you read it; read it again.", "invalidVers"
        )


def json_body() -> dict[str, Any]:
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise ScimError(400, "The request body must be a JSON object.", "invalidSyntax")
    return body


def _int_parameter(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid_value(f"{name} must be a whole number, not “{raw[:40]}”.") from None
    if abs(value) > MAX_START_INDEX:
        raise invalid_value(f"{name} is out of range.")
    return value


@dataclass(frozen=True)
class PageRequest:
    start_index: int
    count: int

    @property
    def offset(self) -> int:
        return self.start_index - 1


def page_request() -> PageRequest:
    """startIndex counts from 1, below 1 means 1; a negative count means 0 (RFC 7644 §3.4.2.4)."""
    start_index = max(1, _int_parameter("startIndex", 1))
    count = min(MAX_PAGE_SIZE, max(0, _int_parameter("count", DEFAULT_PAGE_SIZE)))
    return PageRequest(start_index, count)


def list_response(resources: list[dict[str, Any]], total: int, page: PageRequest) -> Response:
    return scim_response(
        {
            "schemas": [LIST_SCHEMA],
            "totalResults": total,
            "startIndex": page.start_index,
            "itemsPerPage": len(resources),
            "Resources": resources,
        }
    )


@dataclass(frozen=True)
class EqualityFilter:
    """`attribute eq "value"`, the one filter shape directories send for provisioning."""

    attribute: str
    value: str


_FILTER = re.compile(
    r'^\s*(?P<attribute>[A-Za-z][\w.:\-]*(?:\[\s*type\s+eq\s+"?work"?\s*\]\.value)?)'
    r'\s+eq\s+"(?P<value>(?:[^"\\]|\\.)*)"\s*$',
    re.IGNORECASE,
)
WORK_EMAIL_FILTER = re.compile(r'^emails\[\s*type\s+eq\s+"?work"?\s*\]\.value$', re.IGNORECASE)


def parse_filter(raw: str | None, attributes: dict[str, str]) -> EqualityFilter | None:
    """The filter of the query string, its attribute named by one of `attributes`' values.

    `attributes` maps the lower-case attribute paths this resource can be filtered by to the
    names the queries use.
    """
    if raw is None or not raw.strip():
        return None
    match = _FILTER.match(raw)
    unsupported = ScimError(
        400,
        'Only filters of the form attribute eq "value" are supported, on '
        + ", ".join(sorted(set(attributes))),
        "invalidFilter",
    )
    if match is None:
        raise unsupported
    path = match["attribute"]
    key = "emails.value" if WORK_EMAIL_FILTER.match(path) else path.lower()
    key = key.removeprefix(USER_SCHEMA.lower() + ":").removeprefix(GROUP_SCHEMA.lower() + ":")
    if key not in attributes:
        raise unsupported
    try:
        value = json.loads(f'"{match["value"]}"')
    except ValueError:
        raise unsupported from None
    return EqualityFilter(attributes[key], value)
