"""The opt-in X-SQL-Statements header the benchmark reads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from portal import create_app
from portal.core.config import ProductionConfig
from portal.core.db import Database, get_database
from portal.core.instrumentation import HEADER
from portal.ideas.models import Idea, IdeaStatus
from tests.conftest import StatementCounter, UserFactory, login


@pytest.fixture
def counting_app(database: Database) -> Iterator[Flask]:
    app = create_app({"DATABASE_URL": database.url, "COUNT_SQL": True})
    yield app
    get_database(app).engine.dispose()


def test_header_is_off_by_default(app: Flask, make_user: UserFactory) -> None:
    client = app.test_client()
    login(client, make_user().email)
    assert HEADER not in client.get("/ideas").headers


def test_header_counts_the_statements_of_the_request(
    counting_app: Flask, make_user: UserFactory, db
) -> None:
    author = make_user()
    for number in range(3):
        db.add(
            Idea(
                title=f"Idea {number}",
                problem="p",
                solution="s",
                impact="i",
                author_id=author.id,
                department_id=author.department_id,
                status=IdeaStatus.SUBMITTED,
            )
        )
    db.commit()
    client = counting_app.test_client()
    assert login(client, author.email).status_code == 303
    with StatementCounter(get_database(counting_app).engine) as counter:
        response = client.get("/ideas")
    assert response.status_code == 200
    assert int(response.headers[HEADER]) == counter.count > 0


def test_production_never_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_COUNT_SQL", "1")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    assert ProductionConfig().COUNT_SQL is False
