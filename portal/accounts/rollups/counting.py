"""Keeping the department headcounts current, in the transaction of the write.

Accounts are written by the user form, the CSV import, SCIM and sign-up, all through the
ORM and the app's writing sessions: one `after_flush` listener sees each flushed person's
department and active flag before and after, and adds the difference, so no write path can
forget to count.
`recount.py` rebuilds and verifies the rows (bulk loaders call `rebuild_rollups`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Table, event
from sqlalchemy.orm import Session, attributes, sessionmaker

from portal.accounts.models import User
from portal.accounts.rollups.models import NO_DEPARTMENT, DepartmentHeadcount
from portal.core.counters import add_to_counts

HEADCOUNTS: Table = DepartmentHeadcount.__table__  # type: ignore[assignment]


def _key(department_id: int | None) -> int:
    return NO_DEPARTMENT if department_id is None else department_id


def _before(person: User, name: str) -> Any:
    """The value the attribute held when the person was loaded (or last flushed)."""
    history = attributes.get_history(person, name, passive=attributes.PASSIVE_NO_INITIALIZE)
    if history.deleted:
        return history.deleted[0]
    if history.unchanged:
        return history.unchanged[0]
    return person.__dict__.get(name)


def headcount_changes(session: Session) -> Counter[int]:
    """Active people gained (+) or lost (-) per department by the flush under way."""
    changes: Counter[int] = Counter()
    for person in session.new:
        if isinstance(person, User) and person.__dict__.get("active", True):
            changes[_key(person.__dict__.get("department_id"))] += 1
    for person in session.deleted:
        if isinstance(person, User) and _before(person, "active"):
            changes[_key(_before(person, "department_id"))] -= 1
    for person in session.dirty:
        if not isinstance(person, User) or person in session.deleted:
            continue
        if _before(person, "active"):
            changes[_key(_before(person, "department_id"))] -= 1
        if person.__dict__.get("active", True):
            changes[_key(person.__dict__.get("department_id"))] += 1
    return changes


def _count_people(session: Session, _context: Any) -> None:
    # After the flush the new rows carry their department ids (set through the relationship
    # too), and the attributes still hold their history until the flush completes.
    changes = headcount_changes(session)
    if any(changes.values()):
        deltas = {(key,): delta for key, delta in changes.items()}
        add_to_counts(session, HEADCOUNTS, ("department_key",), "people", deltas)


def count_people_on_every_flush(write_sessions: sessionmaker[Session]) -> None:
    """Connect the counting to the app's writing sessions (create_app).

    Not to every Session: a migration that writes people through the ORM runs before the
    table exists, and 0014 fills the table from the people as they are by then.
    """
    if not event.contains(write_sessions, "after_flush", _count_people):
        event.listen(write_sessions, "after_flush", _count_people)
