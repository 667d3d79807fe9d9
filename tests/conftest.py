"""Fixtures: one app per test run on a real database, cleaned after every test.

The database is SQLite in a temporary folder, or the one named by PORTAL_TEST_DATABASE_URL
(the Makefile sets it to TEST_DATABASE_URL for the PostgreSQL run).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator

os.environ["PORTAL_ENV"] = "testing"

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session

from portal import create_app
from portal.accounts.models import Department, Role, User
from portal.accounts.passwords import hash_password
from portal.core.db import Base, Database, get_database
from portal.core.extensions import limiter
from portal.core.mail import SENT_IN_MEMORY
from portal.core.migrate import upgrade_database

PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = hash_password(PASSWORD)


def test_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return worker_database(url, worker) if worker else url


def worker_database(url: str, worker: str) -> str:
    """Each pytest-xdist worker gets its own PostgreSQL database beside the one named."""
    base = make_url(url)
    name = f"{base.database}_{worker}"
    server = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def reset_schema(database: Database) -> None:
    """Start from an empty database, then build it with the migrations."""
    with database.engine.begin() as connection:
        if database.dialect == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(text(f'DROP TABLE IF EXISTS "{table.name}"'))
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade_database(database.engine)


def filled_tables_sql(tables: list[str]) -> str:
    return " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in tables
    )


def empty_all_tables(database: Database) -> None:
    tables = [table.name for table in Base.metadata.sorted_tables]
    if database.dialect == "postgresql":
        # TRUNCATE costs a quarter of a second whatever the rows; deleting the few rows a
        # test wrote from the tables it wrote to costs milliseconds.
        with database.engine.begin() as connection:
            filled = set(connection.scalars(text(filled_tables_sql(tables))))
            for name in reversed(tables):
                if name in filled:
                    connection.execute(text(f'DELETE FROM "{name}"'))
            used = connection.scalars(
                text("SELECT sequencename FROM pg_sequences WHERE last_value IS NOT NULL")
            )
            for sequence in used.all():
                connection.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))
        return
    # SQLite checks foreign keys row by row (people manage people, ideas point at ideas), so
    # switch the checks off for the cleanup; the pragma only works outside a transaction.
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.execute("BEGIN IMMEDIATE")
        for name in reversed(tables):
            cursor.execute(f'DELETE FROM "{name}"')
        cursor.execute("COMMIT")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        raw.close()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app({"DATABASE_URL": test_database_url(tmp_path_factory)})
    database = get_database(app)
    reset_schema(database)
    yield app
    database.engine.dispose()


@pytest.fixture(autouse=True)
def _push_request_context() -> None:
    """Replaces pytest-flask's: every test-client request gets its own app context and `g`."""


@pytest.fixture(autouse=True)
def clean_state(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" in request.fixturenames:
        app: Flask = request.getfixturevalue("app")
        empty_all_tables(get_database(app))
        with app.app_context():
            limiter.reset()
    SENT_IN_MEMORY.clear()


@pytest.fixture
def database(app: Flask) -> Database:
    return get_database(app)


@pytest.fixture
def db(database: Database, clean_state: None) -> Iterator[Session]:
    """A session for arranging and checking data; tests commit when a request must see it."""
    session = database.write_sessions()
    yield session
    session.rollback()
    session.close()


UserFactory = Callable[..., User]


@pytest.fixture
def make_user(db: Session) -> UserFactory:
    """Create and commit a user; the password is PASSWORD."""
    departments: dict[str, Department] = {}
    counter = iter(range(1, 1_000_000))

    def make(
        email: str | None = None,
        *,
        role: Role = Role.EMPLOYEE,
        manager: User | None = None,
        department: str = "Customer Experience",
        name: str | None = None,
        active: bool = True,
    ) -> User:
        number = next(counter)
        email = email or f"person{number}@example.com"
        if department not in departments:
            existing = db.query(Department).filter_by(name=department).one_or_none()
            departments[department] = existing or Department(name=department)
        user = User(
            email=email,
            display_name=name or email.split("@")[0].replace(".", " ").title(),
            job_title="Representative",
            department=departments[department],
            manager=manager,
            role=role,
            active=active,
            password_hash=_PASSWORD_HASH,
        )
        db.add(user)
        db.commit()
        return user

    return make


@pytest.fixture
def employee(make_user: UserFactory) -> User:
    return make_user("employee@example.com", name="Emery Employee")


@pytest.fixture
def manager(make_user: UserFactory) -> User:
    return make_user("manager@example.com", role=Role.MANAGER, name="Morgan Manager")


@pytest.fixture
def admin(make_user: UserFactory) -> User:
    return make_user("admin@example.com", role=Role.ADMIN, name="Avery Admin")


def login(client: FlaskClient, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


@pytest.fixture
def login_as(client: FlaskClient) -> Callable[[User], FlaskClient]:
    def sign_in(user: User) -> FlaskClient:
        response = login(client, user.email)
        assert response.status_code == 303, response.get_data(as_text=True)
        return client

    return sign_in


class StatementCounter:
    """Counts the SQL statements an engine runs while active."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, _conn, _cursor, statement, *_args) -> None:
        if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)", statement, re.IGNORECASE):
            self.statements.append(statement)

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_statements(database: Database) -> Callable[[], StatementCounter]:
    return lambda: StatementCounter(database.engine)
