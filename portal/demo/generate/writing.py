"""Writing planned rows: in chunks, with the disk left unsynced for the load only."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, text

from portal.core.db import Base
from portal.demo.generate.plan import Plan, Row

CHUNK = 5000

ProgressBar = Callable[..., AbstractContextManager[Any]]


def empty_database(connection: Connection) -> None:
    """Delete every row of every portal table (the schema and its version stay)."""
    if connection.dialect.name == "postgresql":
        quoted = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        return
    connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
    for table in reversed(Base.metadata.sorted_tables):
        connection.execute(table.delete())


def count_rows(connection: Connection, table: Table) -> int:
    return connection.scalar(select(func.count()).select_from(table)) or 0


def next_id(connection: Connection, table: Table) -> int:
    return (connection.scalar(select(func.max(table.c.id))) or 0) + 1


def chunks(rows: list[Row], size: int = CHUNK) -> Iterator[list[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def insert_rows(
    connection: Connection, plan: Plan, tables: list[Table], label: str, progress: ProgressBar
) -> int:
    """Insert the planned rows of `tables` in order, in chunks, under one progress bar."""
    total = sum(len(plan.rows[table]) for table in tables)
    copying = connection.dialect.name == "postgresql"
    with progress(length=total, label=label) as bar:
        for table in tables:
            for chunk in chunks(plan.rows[table]):
                if copying:
                    copy_rows(connection, table, chunk)
                else:
                    connection.execute(insert(table), chunk)
                bar.update(len(chunk))
    return total


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def copy_rows(connection: Connection, table: Table, rows: list[Row]) -> None:
    """PostgreSQL: rows through COPY, several times faster than INSERTs for millions of votes.

    Rows with the same columns go in one COPY; enums are written by value, as the models
    store them.
    """
    by_columns: dict[tuple[str, ...], list[Row]] = {}
    for row in rows:
        by_columns.setdefault(tuple(row), []).append(row)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for columns, group in by_columns.items():
            # COPY skips SQLAlchemy's Python-side defaults, which INSERT would have applied.
            defaulted = [
                column
                for column in table.columns
                if column.default is not None and column.name not in columns
            ]
            names = ", ".join(f'"{name}"' for name in [*columns, *(c.name for c in defaulted)])
            with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in group:
                    defaults = [_default(column, row) for column in defaulted]
                    copy.write_row([*(_plain(row[name]) for name in columns), *defaults])
    finally:
        cursor.close()


class _RowContext:
    """What a context-sensitive default reads: the parameters of the row being inserted."""

    def __init__(self, row: Row) -> None:
        self.current_parameters = row

    def get_current_parameters(self, isolate_multiinsert_groups: bool = True) -> Row:
        return self.current_parameters


def _default(column: Any, row: Row) -> Any:
    default = column.default
    return _plain(default.arg(_RowContext(row)) if default.is_callable else default.arg)


def ensure_named(connection: Connection, table: Table, rows: list[Row]) -> dict[str, int]:
    """Ids by name of a small reference table, adding the rows whose name is missing."""
    existing = named_ids(connection, table)
    missing = [row for row in rows if row["name"] not in existing]
    if missing:
        connection.execute(insert(table), missing)
    return named_ids(connection, table)


def named_ids(connection: Connection, table: Table) -> dict[str, int]:
    return {row.name: row.id for row in connection.execute(select(table.c.name, table.c.id))}


def move_sequences_past(connection: Connection, tables: Iterable[Table]) -> None:
    """PostgreSQL: rows inserted with explicit ids leave the id sequences behind."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        following = connection.scalar(select(func.coalesce(func.max(table.c.id), 0) + 1))
        sequence = func.pg_get_serial_sequence(table.name, "id")
        connection.execute(select(func.setval(sequence, following, False)))


@contextmanager
def fast_loading(connection: Connection) -> Iterator[None]:
    """Skip waiting for the disk on every commit, for the load only: a crash mid-load
    means generating again, never a corrupt portal."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        set_sqlite_synchronous(connection, "OFF")
    elif dialect == "postgresql":
        connection.exec_driver_sql("SET synchronous_commit TO OFF")
        connection.commit()
    try:
        yield
    finally:
        connection.rollback()
        if dialect == "sqlite":
            set_sqlite_synchronous(connection, "NORMAL")
        elif dialect == "postgresql":
            connection.exec_driver_sql("RESET synchronous_commit")
            connection.commit()


def set_sqlite_synchronous(connection: Connection, mode: str) -> None:
    # SQLite refuses to change this inside a transaction, so it goes to the driver directly.
    raw = connection.connection.driver_connection
    if raw is None:
        raise RuntimeError("the connection to the database is closed")
    raw.execute(f"PRAGMA synchronous={mode}")
