"""Rebuilding the department headcounts from the people, and checking them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.accounts.rollups.counting import HEADCOUNTS
from portal.accounts.rollups.models import NO_DEPARTMENT
from portal.core.counters import differences, replace_rows, stored_counts


def _headcounts(session: Session) -> dict[tuple[int, ...], int]:
    rows = session.execute(
        select(User.department_id, func.count())
        .where(User.active.is_(True))
        .group_by(User.department_id)
    )
    return {
        (NO_DEPARTMENT if department is None else department,): people
        for department, people in rows
    }


def rebuild_account_rollups(session: Session) -> int:
    return replace_rows(
        session,
        HEADCOUNTS,
        (
            {"department_key": key, "people": people}
            for (key,), people in sorted(_headcounts(session).items())
        ),
    )


def verify_account_rollups(session: Session) -> list[str]:
    return differences(
        "department_headcounts",
        stored_counts(session, HEADCOUNTS, ("department_key",), "people"),
        _headcounts(session),
    )
