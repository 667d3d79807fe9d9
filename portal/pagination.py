"""Keyset pagination: a page is "the next N rows after this key", never an OFFSET."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def encode_cursor(key: Sequence[Any]) -> str:
    raw = json.dumps(list(key), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, length: int) -> list[Any] | None:
    """The key inside a cursor, or None when it is missing or malformed (first page)."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(key, list) or len(key) != length:
        return None
    return key


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def page_from_rows(rows: list[T], limit: int, key_of: Any) -> Page[T]:
    """`rows` was fetched with limit + 1: the extra row only says whether a next page exists."""
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(rows, encode_cursor(key_of(rows[-1])))
    return Page(rows, None)
