"""Checks before the portal serves: a missing database is created, a wrong setting is named.

Each problem is a `SetupProblem` whose message is one line saying what to do, so a newcomer
who runs `make run` against the wrong server reads a sentence instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from limits.errors import ConfigurationError
from limits.storage import storage_from_string
from sqlalchemy import URL, create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from portal.core.extensions import limiter


class SetupProblem(RuntimeError):
    """The environment is wrong in a way the portal cannot fix; the message says what to do."""


def init_rate_limits(app: Flask) -> None:
    """Bind Flask-Limiter once its storage is known to work: it is shared by every app."""
    check_rate_limit_storage(app.config["RATELIMIT_STORAGE_URI"])
    limiter.init_app(app)


def check_rate_limit_storage(uri: str) -> None:
    try:
        storage = storage_from_string(uri)
    except ConfigurationError as error:
        raise SetupProblem(
            f"RATELIMIT_STORAGE_URI={uri!r} is not usable ({error}): "
            "set it to memory:// or redis://HOST:6379."
        ) from None
    if not storage.check():
        raise SetupProblem(
            f"Cannot reach the rate-limit storage at {uri}: start it, or set "
            "RATELIMIT_STORAGE_URI=memory:// to keep limits in each process."
        )


def ensure_database(url: str) -> None:
    """Make sure the database named by `url` exists, creating it where the server allows."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _ensure_sqlite_folder(parsed)
    elif parsed.get_backend_name() == "postgresql":
        _ensure_postgresql_database(parsed)


def _ensure_sqlite_folder(url: URL) -> None:
    if not url.database or url.database == ":memory:":
        return
    folder = Path(url.database).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SetupProblem(
            f"Cannot create the folder {folder} for the SQLite database ({error.strerror}): "
            "set PORTAL_DATABASE_URL to sqlite:///A/WRITABLE/PATH.sqlite3."
        ) from None


def _reason(error: DBAPIError) -> str:
    """The server's or driver's own words, first line only, without psycopg's preamble."""
    first_line = str(error.orig).strip().splitlines()[0]
    return first_line.rpartition(" failed: ")[2].strip()


def _can_connect(url: URL) -> DBAPIError | None:
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect():
            return None
    except DBAPIError as error:
        return error
    finally:
        engine.dispose()


def _ensure_postgresql_database(url: URL) -> None:
    refused = _can_connect(url)
    if refused is None:
        return
    where = f"PostgreSQL at {url.host or 'localhost'}:{url.port or 5432}"
    server = create_engine(
        url.set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 5},
    )
    try:
        with server.connect() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
            )
            if exists:
                raise SetupProblem(
                    f"{where} refused the database {url.database!r}: {_reason(refused)}. "
                    "Check the user and password in PORTAL_DATABASE_URL."
                )
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    except DBAPIError as error:
        raise SetupProblem(_unreachable_message(where, url, refused, error)) from None
    finally:
        server.dispose()


def _unreachable_message(
    where: str, url: URL, refused: DBAPIError, while_creating: DBAPIError
) -> str:
    if "permission denied" in str(while_creating.orig):
        return (
            f"The database {url.database!r} does not exist on {where} and user "
            f"{url.username!r} may not create it: run `createdb {url.database}` as a user "
            "who may, or point PORTAL_DATABASE_URL at an existing database."
        )
    return (
        f"Cannot use {where}: {_reason(refused)}. Check that the server is running and that "
        "PORTAL_DATABASE_URL (postgresql+psycopg://USER@HOST:PORT/DATABASE) names it."
    )
