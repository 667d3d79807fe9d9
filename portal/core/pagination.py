"""Keyset pagination: a page is "the next N rows after this key", never an OFFSET."""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, literal, tuple_
from sqlalchemy.orm import QueryableAttribute

T = TypeVar("T")


def encode_cursor(key: Sequence[Any]) -> str:
    raw = json.dumps(list(key), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# Ids and counts are INTEGER columns on PostgreSQL; a larger bound value fails the query.
INT32 = range(-(2**31), 2**31)
# Longer than any cursor a page writes: the rest is not worth decoding.
MAX_CURSOR_LENGTH = 2000


def _is_plain_value(value: Any) -> bool:
    """What a database accepts as a bound value of a sort column: no containers, no NUL."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, int):
        return value in INT32
    if isinstance(value, str):
        return "\x00" not in value and _encodable(value)
    return value is None


def _encodable(text: str) -> bool:
    """False for a lone surrogate ("\\ud800" in JSON), which no database driver can send."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def decode_cursor(
    cursor: str | None, length: int, types: Sequence[type] | None = None
) -> list[Any] | None:
    """The key inside a cursor, or None when it is missing or malformed (first page).

    A cursor comes from the address bar, so anything in it may be forged: pass the `types` of
    the key's parts to refuse, say, a string where the query compares an integer column.
    """
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, RecursionError):  # RecursionError: deeply nested lists
        return None
    if not isinstance(key, list) or len(key) != length:
        return None
    if not all(_is_plain_value(value) for value in key):
        return None
    if types is not None and not all(
        isinstance(value, kind) and not isinstance(value, bool)
        for value, kind in zip(key, types, strict=True)
    ):
        return None
    return key


def _aware_timestamp(value: Any) -> datetime | None:
    """An ISO 8601 text with its UTC offset as a UTC datetime, or None for anything else.

    Converting to UTC is what the columns do: year 1 with a positive offset falls before
    the first representable instant, so such a text is refused here instead.
    """
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
        return moment.astimezone(UTC) if moment.tzinfo is not None else None
    except (ValueError, OverflowError):
        return None


def decode_timestamp_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The (timestamp, id) key of a list ordered by time, or None for the first page.

    The columns hold timezone-aware timestamps, so a naive one is refused like a malformed one.
    """
    key = decode_cursor(cursor, 2, (str, int))
    if key is None:
        return None
    moment = _aware_timestamp(key[0])
    return (moment, key[1]) if moment is not None else None


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


def beyond(
    columns: Sequence[ColumnElement[Any] | QueryableAttribute[Any]],
    key: Sequence[Any],
    *,
    descending: bool = False,
) -> ColumnElement[bool]:
    """The keyset condition `(a, b) > (x, y)` (`<` for a descending order).

    Each value is bound with its column's type, so a timestamp compares as the column stores it.
    """
    expressions = [column.expression for column in columns]
    values = tuple_(
        *(literal(value, column.type) for column, value in zip(expressions, key, strict=True))
    )
    row = tuple_(*expressions)
    return row < values if descending else row > values
