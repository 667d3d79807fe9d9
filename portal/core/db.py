"""Declarative base, engine and the one session per request.

The request boundary commits once: views and services only flush. A request that ends in an
exception or a domain error is rolled back instead.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g, request
from sqlalchemy import DateTime, Delete, Engine, Enum, MetaData, Update, create_engine, event
from sqlalchemy.engine import CursorResult, Dialect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp on every database; SQLite keeps it as naive UTC text."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_by_value(enum_class: type[enum.Enum], name: str) -> Enum:
    """An Enum column type that stores each member's value, checked by the database."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}


class AppendOnly:
    """A model whose rows are written once: timelines, the points ledger and the audit log."""


class ImmutableRowError(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_append_only_rows(session: Session, _context: Any, _instances: Any) -> None:
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, AppendOnly) and (
            instance in session.deleted or session.is_modified(instance)
        ):
            raise ImmutableRowError(f"{type(instance).__name__} rows cannot be changed")


def insert_or_refuse(session: Session, row: Any, refusal: Exception) -> None:
    """Insert `row` in a savepoint; when a unique or check constraint refuses it (a duplicate,
    or the loser of a race for the same name), raise `refusal` and keep the transaction usable."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise refusal from None


def rows_changed(session: Session, statement: Update | Delete) -> int:
    """How many rows an UPDATE or DELETE matched."""
    result = session.execute(statement)
    # Session.execute is typed for any statement; an UPDATE or DELETE answers with a cursor.
    assert isinstance(result, CursorResult)
    return result.rowcount


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see begin below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection: Any) -> None:
        # A write transaction takes the lock up front: a deferred one that upgrades later
        # fails with "database is locked" instead of waiting when another writer holds it.
        immediate = connection.get_execution_options().get("portal_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)


class Database:
    """The engine and session factories of one app."""

    def __init__(self, url: str, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo)
        self.read_sessions = sessionmaker(bind=self._read_bind(), expire_on_commit=False)
        event.listen(self.read_sessions, "before_flush", _refuse_writes)
        self.write_sessions = sessionmaker(
            bind=self.engine.execution_options(portal_write=True), expire_on_commit=False
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _read_bind(self) -> Engine:
        """PostgreSQL reads in autocommit: a page's reads need no BEGIN and COMMIT round trips.

        SQLite keeps its transaction: there they cost nothing, and it gives a page one
        snapshot.
        """
        if self.dialect == "postgresql":
            return self.engine.execution_options(isolation_level="AUTOCOMMIT")
        return self.engine

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """A write session committed at the end, for commands and scripts."""
        session = self.write_sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def _refuse_writes(session: Session, _context: Any, _instances: Any) -> None:
    """A GET reads: in autocommit a write would land at once, outside any rollback."""
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("a read-only request tried to write")


def get_database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["portal_db"]


def db_session() -> Session:
    """The session of the current request, opened on first use."""
    if "db_session" not in g:
        database = get_database()
        factory = (
            database.read_sessions if request.method in SAFE_METHODS else database.write_sessions
        )
        g.db_session = factory()
        g.db_session.info["ip"] = request.remote_addr
    return g.db_session


def roll_back_request() -> None:
    """Discard the request's changes and commit nothing at its end."""
    if "db_session" in g:
        g.db_session.rollback()
    g.db_rollback_only = True


def init_app(app: Flask) -> None:
    app.extensions["portal_db"] = Database(app.config["DATABASE_URL"], app.config["SQL_ECHO"])
    if app.config.get("COUNT_SQL"):
        from portal.core.instrumentation import count_statements_per_request

        count_statements_per_request(app, app.extensions["portal_db"].engine)

    @app.after_request
    def commit_request(response: Any) -> Any:
        session = g.get("db_session")
        if session is not None and not g.get("db_rollback_only"):
            session.commit()
        return response

    @app.teardown_appcontext
    def close_session(exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is None:
            return
        if exc is not None:
            session.rollback()
        session.close()
