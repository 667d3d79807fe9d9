"""Opt-in SQL statement counting for the benchmark (``PORTAL_COUNT_SQL=1``, never in production).

When on, every response carries ``X-SQL-Statements``: the SQL statements the request ran,
transaction control (BEGIN, COMMIT, SAVEPOINT...) left out.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, Response, g, has_request_context
from sqlalchemy import Engine, event

HEADER = "X-SQL-Statements"
TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)


def _count_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    counting = has_request_context() and "sql_statements" in g
    if counting and not TRANSACTION_CONTROL.match(statement):
        g.sql_statements += 1


def count_statements_per_request(app: Flask, engine: Engine) -> None:
    event.listen(engine, "before_cursor_execute", _count_statement)

    @app.before_request
    def start_counting() -> None:
        g.sql_statements = 0

    @app.after_request
    def report_count(response: Response) -> Response:
        response.headers[HEADER] = str(g.get("sql_statements", 0))
        return response
