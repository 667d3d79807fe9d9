"""Summary tables of ideas: counts by day of submission, and each person's last activity."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import Base


class IdeaDayCount(Base):
    """Submitted ideas by the UTC days they were submitted in, one row per dimension and value.

    A row counts a span of 2**level days starting on `day` (level 0: that day alone), so a
    period is read from a few spans whatever its length (rollups/counting.py).

    Dimensions: "status", "category" (the id, "" for none), "channel" ("" for none), and
    "response" and "decision", whose values are the tenths of a day from submission to the
    first response and to the decision (a histogram the medians are read from).
    """

    __tablename__ = "idea_day_counts"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(40), primary_key=True)
    ideas: Mapped[int] = mapped_column(default=0)


class PersonActivity(Base):
    """The last UTC day each person submitted an idea or cast a vote still counted."""

    __tablename__ = "person_activity"
    __table_args__ = (Index("ix_person_activity_last_active_on", "last_active_on"),)

    person_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_active_on: Mapped[date | None]
