"""Review cycles: defining them and closing them, which freezes every packet."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import exists, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.models import User
from portal.core.audit import record_audit
from portal.core.db import insert_or_refuse, rows_changed, utcnow
from portal.core.errors import Conflict, DomainError, NotFound
from portal.core.inputs import check_date
from portal.core.jobs import Job, JobState, find_job, finish_job, job_step, new_job, requeue_job
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


CLOSE_CYCLE = "close_cycle"


def _open_cycle(session: Session, cycle_id: int) -> ReviewCycle:
    cycle = session.get(ReviewCycle, cycle_id)
    if cycle is None:
        raise NotFound("That review cycle does not exist.")
    if cycle.closed_at is not None:
        raise Conflict("This review cycle is already closed.")
    return cycle


def start_closing(session: Session, admin: User | None, cycle_id: int) -> Job:
    """Queue the job that freezes every packet of the cycle, then closes it.

    A cycle has one closing job: asking again while it runs is refused, and asking again after
    it failed gives it a fresh set of attempts.
    """
    cycle = _open_cycle(session, cycle_id)
    actor_id = admin.id if admin else None
    job = find_job(session, CLOSE_CYCLE, cycle.id)
    if job is not None and job.state != JobState.FAILED:
        raise Conflict("This review cycle is already being closed.")
    if job is not None:
        requeue_job(session, job)
    else:
        job = new_job(
            session,
            CLOSE_CYCLE,
            cycle.id,
            total=session.scalar(select(func.count()).select_from(User)) or 0,
            actor_id=actor_id,
            refusal=Conflict("This review cycle is already being closed."),
        )
    record_audit(session, "review_cycle_closing", actor_id=actor_id, target=f"cycle {cycle.id}")
    return job


def close_cycle(session: Session, admin: User | None, cycle_id: int) -> ReviewCycle:
    """Close the cycle and freeze every packet in this one transaction (scripts and tests;
    the admin page and `flask cycles close` run the job in committed batches instead)."""
    job = start_closing(session, admin, cycle_id)
    while not freeze_next_batch(session, job, 1_000):
        pass
    finish_job(job)
    session.flush()
    return _closed_cycle(session, cycle_id)


def _closed_cycle(session: Session, cycle_id: int) -> ReviewCycle:
    cycle = session.get(ReviewCycle, cycle_id)
    assert cycle is not None
    return cycle


def _unfrozen_people(session: Session, cycle_id: int, limit: int) -> list[int]:
    frozen = exists().where(ReviewPacket.cycle_id == cycle_id, ReviewPacket.user_id == User.id)
    return list(session.scalars(select(User.id).where(~frozen).order_by(User.id).limit(limit)))


def _insert_ignoring_frozen(session: Session) -> Any:
    """An INSERT that keeps a packet already frozen (a batch done again after a crash)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql_insert(ReviewPacket).on_conflict_do_nothing()
    return sqlite_insert(ReviewPacket).on_conflict_do_nothing()


def _mark_closed(session: Session, cycle: ReviewCycle, actor_id: int | None) -> None:
    now = utcnow()
    closed = rows_changed(
        session,
        update(ReviewCycle)
        .where(ReviewCycle.id == cycle.id, ReviewCycle.closed_at.is_(None))
        .values(closed_at=now)
        .execution_options(synchronize_session=False),
    )
    if closed == 1:
        set_committed_value(cycle, "closed_at", now)
        record_audit(session, "review_cycle_closed", actor_id=actor_id, target=f"cycle {cycle.id}")


@job_step(CLOSE_CYCLE)
def freeze_next_batch(session: Session, job: Job, batch_size: int) -> bool:
    """Freeze the packets of the next people without one; close the cycle after the last.

    The cycle closes only once every packet is frozen, so until then packets show live and
    nothing reads a half-frozen cycle. Returns whether the cycle is closed.
    """
    cycle = session.get(ReviewCycle, job.target_id)
    if cycle is None:
        raise NotFound("That review cycle does not exist.")
    if cycle.closed_at is not None:
        return True
    user_ids = _unfrozen_people(session, cycle.id, batch_size)
    if user_ids:
        session.execute(
            _insert_ignoring_frozen(session),
            [
                {"cycle_id": cycle.id, "user_id": packet.user_id, "content": packet.to_dict()}
                for packet in build_packets(session, cycle, user_ids)
            ],
        )
        job.done += len(user_ids)
    if len(user_ids) < batch_size:
        _mark_closed(session, cycle, job.requested_by_id)
        return True
    return False
