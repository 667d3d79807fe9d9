"""What the generator's phases share: rows planned table by table, and random moments."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table

from portal.core.db import Base

Row = dict[str, Any]


def table_of(model: type[Base]) -> Table:
    """The model's table as the Table it is (a declarative class types it as any FromClause)."""
    return Base.metadata.tables[model.__tablename__]


@dataclass
class Plan:
    """Rows to insert, table by table."""

    rows: dict[Table, list[Row]] = field(default_factory=lambda: defaultdict(list))

    def add(self, table: Table, rows: Iterable[Row]) -> None:
        self.rows[table].extend(rows)


def moment_between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random()
