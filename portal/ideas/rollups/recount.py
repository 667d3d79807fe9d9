"""Rebuilding the ideas' summary rows from the raw rows, and checking them against a recount."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.core.counters import differences, replace_rows, stored_counts
from portal.ideas.models import Idea
from portal.ideas.rollups.counting import (
    ACTIVITY,
    DAY_COUNTS,
    DAY_KEYS,
    idea_keys,
    in_every_span,
    last_active_days,
)


def count_day_rows(session: Session) -> Counter[tuple[int, date, str, str]]:
    """The span counts of every submitted idea, recounted (in Python: one pass over ideas)."""
    counted: Counter[tuple[date, str, str]] = Counter()
    rows = session.execute(
        select(
            Idea.submitted_at,
            Idea.status,
            Idea.category_id,
            Idea.channel,
            Idea.first_response_at,
            Idea.decided_at,
        )
        .where(Idea.submitted_at.is_not(None))
        .execution_options(yield_per=10_000)
    )
    for row in rows:
        counted.update(
            idea_keys(
                row.submitted_at,
                row.status.value,
                row.category_id,
                row.channel.value if row.channel else None,
                row.first_response_at,
                row.decided_at,
            )
        )
    return in_every_span(counted)


def rebuild_idea_rollups(session: Session) -> int:
    """Replace the ideas' summary rows with a recount; returns how many rows were written."""
    days = count_day_rows(session)
    written = replace_rows(
        session,
        DAY_COUNTS,
        (
            {"level": level, "day": day, "dimension": dimension, "value": value, "ideas": ideas}
            for (level, day, dimension, value), ideas in sorted(days.items())
            if ideas
        ),
    )
    written += replace_rows(
        session,
        ACTIVITY,
        (
            {"person_id": person_id, "last_active_on": day}
            for person_id, day in sorted(last_active_days(session).items())
        ),
    )
    return written


def verify_idea_rollups(session: Session) -> list[str]:
    """Every difference between the ideas' summary rows and a recount (none when they agree)."""
    stored_days = stored_counts(session, DAY_COUNTS, DAY_KEYS, "ideas")
    counted_days = {key: ideas for key, ideas in count_day_rows(session).items() if ideas}
    stored_activity = {
        (row.person_id,): row.last_active_on
        for row in session.execute(select(ACTIVITY).where(ACTIVITY.c.last_active_on.is_not(None)))
    }
    counted_activity = {(person,): day for person, day in last_active_days(session).items()}
    return differences("idea_day_counts", stored_days, counted_days) + differences(
        "person_activity", stored_activity, counted_activity
    )
