"""Active people per department, so counting a department never reads every person."""

from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import Base

# People without a department are counted under this key (a key cannot be NULL).
NO_DEPARTMENT = 0


class DepartmentHeadcount(Base):
    """Active people in a department (`NO_DEPARTMENT` for those in none)."""

    __tablename__ = "department_headcounts"

    department_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    people: Mapped[int] = mapped_column(default=0)
