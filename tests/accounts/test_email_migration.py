"""Migration 0007 on existing people: NFKC addresses and look-alikes, on this run's database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text

from portal.accounts.emails import skeleton_digest
from portal.core.db import Database
from portal.core.migrate import upgrade_database

SCRATCH_SCHEMA = "migration_0007"


@pytest.fixture
def scratch_engine(database: Database, tmp_path) -> Iterator[Engine]:
    """An empty database of the same kind as the run's, apart from the tests' own."""
    if database.dialect != "postgresql":
        engine = create_engine(f"sqlite:///{tmp_path / 'before-0007.sqlite3'}")
        yield engine
        engine.dispose()
        return
    with database.engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCRATCH_SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCRATCH_SCHEMA}"))
    engine = create_engine(
        database.url, connect_args={"options": f"-csearch_path={SCRATCH_SCHEMA}"}
    )
    try:
        yield engine
    finally:
        engine.dispose()
        with database.engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {SCRATCH_SCHEMA} CASCADE"))


def test_0007_normalises_addresses_and_keeps_every_account_when_they_clash(
    scratch_engine: Engine,
) -> None:
    upgrade_database(scratch_engine, "0006")
    before = [
        "\uff52\uff49\uff54\uff41@example.com",  # 1: fullwidth, becomes rita@
        "\uff42\uff4f\uff42@example.com",  # 2: fullwidth, but bob@ is taken: kept as it is
        "bob@example.com",  # 3: looks like 2, left without a skeleton
        "all@example.com",  # 4
        "al1@example.com",  # 5: looks like 4, left without a skeleton
    ]
    with scratch_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (email, display_name, job_title, role, active,"
                " session_version, notification_delivery, created_at, updated_at)"
                " VALUES (:email, 'Someone', '', 'employee', true, 1, 'immediate',"
                " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            ),
            [{"email": email} for email in before],
        )
    upgrade_database(scratch_engine, "head")
    with scratch_engine.connect() as connection:
        after = connection.execute(
            text("SELECT email, email_skeleton FROM users ORDER BY id")
        ).all()
    assert [email for email, _ in after] == [
        "rita@example.com",
        "\uff42\uff4f\uff42@example.com",
        "bob@example.com",
        "all@example.com",
        "al1@example.com",
    ]
    assert [digest for _, digest in after] == [
        skeleton_digest("rita@example.com"),
        skeleton_digest("bob@example.com"),  # the earlier of the two look-alikes holds it
        None,
        skeleton_digest("all@example.com"),
        None,
    ]
