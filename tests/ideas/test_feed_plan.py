"""The database reads the feed through an index in feed order, without sorting every match."""

from __future__ import annotations

import re

from sqlalchemy import event, select

from portal.core.db import Database
from portal.ideas.models import Idea, IdeaStatus
from portal.ideas.search import MANY_MATCHES
from tests.ideas.test_statement_counts import bulk_ideas


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
    return next((sql, args) for sql, args in seen if "AS page JOIN users" in sql)


def query_plan(database: Database, statement: str, parameters: object) -> str:
    """How the database chooses the page's ideas (on SQLite, before it joins their details)."""
    with database.engine.connect() as connection:
        if database.dialect == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            plan = "\n".join(str(row[-1]) for row in rows)
            return plan.partition("SCAN page")[0]
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


def page_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<article id="idea-(\d+)"', html)]


def test_a_search_matching_many_ideas_walks_the_sort_order_and_pages_in_order(
    db, database, login_as, employee, category, make_user
) -> None:
    bulk_ideas(db, employee, category, MANY_MATCHES, [])
    client = login_as(make_user())
    statement, parameters = feed_statement(database, client, "/ideas?q=queue")
    if database.dialect == "sqlite":
        plan = query_plan(database, statement, parameters)
        assert "SCAN ideas USING INDEX ix_ideas_hot_score_id" in plan, plan
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
    first = client.get("/ideas?q=queue").get_data(as_text=True)
    following = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(following).get_data(as_text=True)
    expected = db.scalars(
        select(Idea.id).order_by(Idea.hot_score.desc(), Idea.id.desc()).limit(50)
    ).all()
    assert page_ids(first) + page_ids(second) == expected


def test_a_search_matching_few_ideas_sorts_only_those(
    db, database, login_as, employee, category, make_user
) -> None:
    bulk_ideas(db, employee, category, 5, [])
    client = login_as(make_user())
    statement, parameters = feed_statement(database, client, "/ideas?q=queue&sort=top")
    if database.dialect == "sqlite":
        plan = query_plan(database, statement, parameters)
        assert "SEARCH ideas USING INTEGER PRIMARY KEY" in plan, plan
    html = client.get("/ideas?q=queue&sort=top").get_data(as_text=True)
    assert len(page_ids(html)) == 5


def test_a_search_reads_its_full_text_index(
    db, database, login_as, employee, category, make_user
) -> None:
    bulk_ideas(db, employee, category, 5, [])
    client = login_as(make_user())
    statement, parameters = feed_statement(database, client, "/ideas?q=queue")
    plan = query_plan(database, statement, parameters)
    if database.dialect == "sqlite":
        assert "SCAN ideas_fts VIRTUAL TABLE" in plan, plan
        return
    # PostgreSQL reads the stored document, never recomputing it per idea.
    assert "search_document @@" in plan, plan
    assert "to_tsvector" not in plan, plan
    # Kept off the sort order's index, the search finds its ideas through the GIN index.
    with database.engine.connect() as connection:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        connection.exec_driver_sql("SET LOCAL enable_indexscan = off")
        rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        plan = "\n".join(row[0] for row in rows)
    assert "Bitmap Index Scan on ix_ideas_search_document" in plan, plan
