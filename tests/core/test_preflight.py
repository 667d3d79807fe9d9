"""A newcomer's wrong setting reads as one sentence, and a missing database is created."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from portal import create_app
from portal.core.db import Database
from portal.core.preflight import SetupProblem, check_rate_limit_storage, ensure_database

ROOT = Path(__file__).resolve().parents[2]
NOBODY_LISTENS = "postgresql+psycopg://postgres@127.0.0.1:1/portal"


def test_a_missing_database_is_created(database: Database, tmp_path: Path) -> None:
    if database.dialect == "sqlite":
        path = tmp_path / "new" / "folder" / "portal.sqlite3"
        ensure_database(f"sqlite:///{path}")
        assert path.parent.is_dir()
        return
    name = f"portal_preflight_{uuid.uuid4().hex[:8]}"
    url = make_url(database.url).set(database=name)
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        ensure_database(url.render_as_string(hide_password=False))
        with server.connect() as connection:
            assert connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
        ensure_database(url.render_as_string(hide_password=False))
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        server.dispose()


def test_a_database_that_cannot_be_made_is_explained(database: Database, tmp_path: Path) -> None:
    if database.dialect == "sqlite":
        blocker = tmp_path / "a-file"
        blocker.write_text("not a folder")
        with pytest.raises(SetupProblem) as problem:
            ensure_database(f"sqlite:///{blocker}/portal.sqlite3")
        assert f"Cannot create the folder {blocker} for the SQLite database" in str(problem.value)
        return
    role = f"portal_nocreate_{uuid.uuid4().hex[:8]}"
    base = make_url(database.url)
    server = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE ROLE "{role}" LOGIN NOCREATEDB'))
    try:
        url = base.set(username=role, password=None, database="portal_not_there")
        with pytest.raises(SetupProblem) as problem:
            ensure_database(url.render_as_string(hide_password=False))
        assert f"user '{role}' may not create it" in str(problem.value)
        assert "createdb portal_not_there" in str(problem.value)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP ROLE "{role}"'))
        server.dispose()


def test_an_unreachable_server_is_one_line() -> None:
    with pytest.raises(SetupProblem) as problem:
        ensure_database(NOBODY_LISTENS)
    message = str(problem.value)
    assert "\n" not in message
    assert "Cannot use PostgreSQL at 127.0.0.1:1: Connection refused" in message
    assert "PORTAL_DATABASE_URL" in message


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("bogus://somewhere", "RATELIMIT_STORAGE_URI='bogus://somewhere' is not usable"),
        ("redis://127.0.0.1:1", "Cannot reach the rate-limit storage at redis://127.0.0.1:1"),
    ],
)
def test_a_bad_rate_limit_storage_is_named(uri: str, expected: str) -> None:
    with pytest.raises(SetupProblem, match=re.escape(expected)):
        check_rate_limit_storage(uri)


def test_the_app_refuses_to_start_on_a_bad_rate_limit_storage() -> None:
    with pytest.raises(SetupProblem, match="RATELIMIT_STORAGE_URI='nope://' is not usable"):
        create_app({"DATABASE_URL": "sqlite://", "RATELIMIT_STORAGE_URI": "nope://"})


def test_the_command_line_prints_one_line_instead_of_a_traceback() -> None:
    environment = {
        **os.environ,
        "PORTAL_ENV": "development",
        "PORTAL_DATABASE_URL": NOBODY_LISTENS,
        "SECRET_KEY": "preflight-test",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith("Error: Cannot use PostgreSQL at 127.0.0.1:1")
    assert "Traceback" not in result.stderr
