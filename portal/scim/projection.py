"""`attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5 and §3.9): which attributes of a
resource a reply carries.

A path is an attribute (`userName`), a sub-attribute (`name.givenName`, `emails.value`),
either one behind its schema's URN (`urn:...:core:2.0:User:userName`), an extension's
attribute (`urn:...:enterprise:2.0:User:department`) or a whole extension. Paths are
case-insensitive. `schemas`, `id` and `meta` are always returned; an unknown path selects
nothing, as the RFC asks of attributes a resource does not have.
"""

from __future__ import annotations

from typing import Any

from portal.scim.protocol import ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, ScimError

ALWAYS = ("schemas", "id", "meta")
CORE_SCHEMAS = (USER_SCHEMA.lower(), GROUP_SCHEMA.lower())
EXTENSIONS = (ENTERPRISE_SCHEMA.lower(),)
MAX_PATHS = 50

Tree = dict[str, Any]
WHOLE: Tree = {}  # a leaf: the attribute with everything under it


def _segments(path: str) -> list[str]:
    lowered = path.strip().lower()
    for extension in EXTENSIONS:
        if lowered == extension:
            return [extension]
        if lowered.startswith(extension + ":"):
            return [extension, *lowered[len(extension) + 1 :].split(".")]
    for core in CORE_SCHEMAS:
        if lowered.startswith(core + ":"):
            lowered = lowered[len(core) + 1 :]
    return lowered.split(".")


def parse_paths(raw: str | None) -> Tree | None:
    """The comma-separated paths of a query parameter as a tree of lower-cased names."""
    if raw is None or not raw.strip():
        return None
    paths = [path for path in raw.split(",") if path.strip()]
    if len(paths) > MAX_PATHS:
        raise ScimError(400, f"Name at most {MAX_PATHS} attributes.", "invalidValue")
    tree: Tree = {}
    for path in paths:
        segments = _segments(path)
        if not all(segments):
            raise ScimError(400, f"“{path.strip()[:80]}” is not an attribute path.", "invalidPath")
        node = tree
        for segment in segments[:-1]:
            child = node.get(segment)
            if child is WHOLE:
                break
            node = node.setdefault(segment, {})
        else:
            node[segments[-1]] = WHOLE
    return tree


def _select(value: Any, tree: Tree) -> Any:
    if tree is WHOLE:
        return value
    if isinstance(value, list):
        return [_select(item, tree) for item in value]
    if isinstance(value, dict):
        return {
            key: _select(item, tree[key.lower()])
            for key, item in value.items()
            if key.lower() in tree
        }
    return value


def _without(value: Any, tree: Tree) -> Any:
    if isinstance(value, list):
        return [_without(item, tree) for item in value]
    if isinstance(value, dict):
        return {
            key: item if key.lower() not in tree else _without(item, tree[key.lower()])
            for key, item in value.items()
            if tree.get(key.lower()) is not WHOLE
        }
    return value


def project(resource: dict[str, Any], wanted: Tree | None, excluded: Tree | None) -> dict[str, Any]:
    """The resource with only the wanted attributes, or without the excluded ones; `attributes`
    wins when a client sends both."""
    always = {key: resource[key] for key in ALWAYS if key in resource}
    if wanted is not None:
        chosen = _select({k: v for k, v in resource.items() if k not in ALWAYS}, wanted)
        return {**always, **{key: value for key, value in chosen.items() if value != {}}}
    if excluded is not None:
        return {**_without(resource, excluded), **always}
    return resource


def names_attribute(tree: Tree | None, name: str) -> bool:
    """Whether a parsed tree names this top-level attribute (or part of it)."""
    return tree is not None and name.lower() in tree
