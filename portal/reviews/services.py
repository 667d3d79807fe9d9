"""Review cycles: defining them and closing them, which freezes every packet."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.models import User
from portal.core.audit import record_audit
from portal.core.db import insert_or_refuse, rows_changed, utcnow
from portal.core.errors import Conflict, DomainError, NotFound
from portal.core.inputs import check_date
from portal.reviews.models import ReviewCycle, ReviewPacket
from portal.reviews.packets import build_packets


def _lock_cycles(session: Session) -> None:
    """One cycle is added at a time, so two overlapping ones cannot both pass the check.

    SQLite writers already take the database lock when they begin. On PostgreSQL this mode
    conflicts with itself and with writes to the table, but not with the row locks that
    nominations' foreign keys take.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE review_cycles IN SHARE ROW EXCLUSIVE MODE"))


def _overlapping_cycle(session: Session, starts_on: date, ends_on: date) -> ReviewCycle | None:
    return session.scalars(
        select(ReviewCycle)
        .where(ReviewCycle.starts_on <= ends_on, ReviewCycle.ends_on >= starts_on)
        .order_by(ReviewCycle.starts_on)
        .limit(1)
    ).first()


def create_cycle(
    session: Session, admin: User, name: str, starts_on: date | None, ends_on: date | None
) -> ReviewCycle:
    if not name.strip():
        raise DomainError("Enter the cycle's name.", field="name")
    if starts_on is None:
        raise DomainError("Enter the first day, like 2026-07-01.", field="starts_on")
    check_date(starts_on, "starts_on")
    if ends_on is None or ends_on < starts_on:
        raise DomainError("The last day must be on or after the first day.", field="ends_on")
    check_date(ends_on, "ends_on")
    _lock_cycles(session)
    other = _overlapping_cycle(session, starts_on, ends_on)
    if other is not None:
        raise DomainError(
            f"These days overlap {other.name} ({other.starts_on.isoformat()} to "
            f"{other.ends_on.isoformat()}). Start after it ends or end before it starts.",
            field="starts_on",
        )
    cycle = ReviewCycle(name=name.strip(), starts_on=starts_on, ends_on=ends_on)
    insert_or_refuse(
        session, cycle, DomainError("A review cycle with that name already exists.", field="name")
    )
    record_audit(session, "review_cycle_created", actor_id=admin.id, target=f"cycle {cycle.id}")
    return cycle


def close_cycle(session: Session, admin: User, cycle_id: int) -> ReviewCycle:
    """Close the cycle once and freeze everyone's packet as it stands now."""
    cycle = session.get(ReviewCycle, cycle_id)
    if cycle is None:
        raise NotFound("That review cycle does not exist.")
    now = utcnow()
    closed = rows_changed(
        session,
        update(ReviewCycle)
        .where(ReviewCycle.id == cycle_id, ReviewCycle.closed_at.is_(None))
        .values(closed_at=now)
        .execution_options(synchronize_session=False),
    )
    if closed != 1:
        raise Conflict("This review cycle is already closed.")
    set_committed_value(cycle, "closed_at", now)
    session.add_all(
        ReviewPacket(cycle_id=cycle.id, user_id=packet.user_id, content=packet.to_dict())
        for packet in build_packets(session, cycle)
    )
    session.flush()
    record_audit(session, "review_cycle_closed", actor_id=admin.id, target=f"cycle {cycle.id}")
    return cycle
