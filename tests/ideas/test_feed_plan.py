"""The database reads the filtered default feed through an index in feed order, with no sort."""

from __future__ import annotations

from sqlalchemy import event

from portal.db import Database
from portal.ideas.models import IdeaStatus


def feed_statement(database: Database, client, url: str) -> tuple[str, object]:
    """The SQL and parameters of the feed's own query (the one reading from ideas)."""
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, *_args) -> None:
        seen.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    return next((sql, args) for sql, args in seen if "FROM ideas JOIN users" in sql)


def query_plan(database: Database, statement: str, parameters: object) -> str:
    with database.engine.connect() as connection:
        if database.dialect == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            return "\n".join(str(row[-1]) for row in rows)
        # A test table is tiny, so take away the planner's cheaper-when-small choices.
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        connection.exec_driver_sql("SET LOCAL enable_sort = off")
        rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        return "\n".join(row[0] for row in rows)


def test_the_trending_feed_filtered_by_status_reads_the_status_index_in_order(
    database, login_as, make_idea, employee, make_user
) -> None:
    for number in range(5):
        make_idea(employee, f"Idea number {number}")
    client = login_as(make_user())
    statement, parameters = feed_statement(
        database, client, f"/ideas?status={IdeaStatus.SUBMITTED.value}"
    )
    plan = query_plan(database, statement, parameters)
    assert "ix_ideas_status_hot_score_id" in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
