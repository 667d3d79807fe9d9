"""Counters in summary tables: deltas added by one upsert, safe under concurrent writers.

`UPDATE ... SET n = n + delta` inside `INSERT ... ON CONFLICT DO UPDATE` never reads and
writes back, so two requests adding to the same row both count, on SQLite and PostgreSQL.
Rows go in sorted by key, so two transactions touching the same rows lock them in one order.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

Key = tuple[Hashable, ...]


def _insert(session: Session, table: Table) -> Any:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def add_to_counts(
    session: Session, table: Table, keys: tuple[str, ...], count: str, deltas: Mapping[Any, int]
) -> None:
    """Add each delta to the count of the row with its key, creating missing rows."""
    rows = [
        {**dict(zip(keys, key, strict=True)), count: delta}
        for key, delta in sorted(deltas.items())
        if delta
    ]
    if not rows:
        return
    statement = _insert(session, table).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys), set_={count: table.c[count] + statement.excluded[count]}
    )
    session.execute(statement)


def replace_rows(session: Session, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    """Empty the table and insert the rows (a rebuild); returns how many went in."""
    session.execute(delete(table))
    batch: list[dict[str, Any]] = []
    written = 0
    for row in rows:
        batch.append(row)
        if len(batch) == 5000:
            session.execute(table.insert(), batch)
            written, batch = written + len(batch), []
    if batch:
        session.execute(table.insert(), batch)
        written += len(batch)
    return written


def stored_counts(session: Session, table: Table, keys: tuple[str, ...], count: str) -> dict:
    """The table's non-zero counts by key."""
    columns = [table.c[name] for name in keys]
    return {
        tuple(row[:-1]): row[-1]
        for row in session.execute(select(*columns, table.c[count]).where(table.c[count] != 0))
    }


def differences(name: str, stored: Mapping[Any, Any], counted: Mapping[Any, Any]) -> list[str]:
    """Each key whose stored value differs from the recount, as a line for a person."""
    return [
        f"{name} {key}: stored {stored.get(key)}, counted {counted.get(key)}"
        for key in sorted(set(stored) | set(counted), key=repr)
        if stored.get(key) != counted.get(key)
    ]
