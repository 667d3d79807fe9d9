"""Reading a background job's progress, for the pages that show it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.core.errors import NotFound
from portal.core.jobs import Job, JobState, job_kinds


@dataclass(frozen=True)
class JobProgress:
    id: int
    kind: str
    target_id: int
    state: JobState
    done: int
    total: int
    error: str

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0


_PROGRESS_COLUMNS = (
    Job.id,
    Job.kind,
    Job.target_id,
    Job.state,
    Job.done,
    Job.total,
    Job.error,
)


def get_job_progress(session: Session, job_id: int) -> JobProgress:
    row = session.execute(select(*_PROGRESS_COLUMNS).where(Job.id == job_id)).first()
    if row is None or row.kind not in job_kinds():
        raise NotFound("That background job does not exist.")
    return JobProgress(**row._mapping)


def list_job_progress(session: Session, kind: str) -> dict[int, JobProgress]:
    """Every job of one kind by its target: one statement."""
    rows = session.execute(select(*_PROGRESS_COLUMNS).where(Job.kind == kind))
    return {row.target_id: JobProgress(**row._mapping) for row in rows}


def list_recent_jobs(session: Session, limit: int = 20) -> list[JobProgress]:
    """The newest jobs of every kind, for the worker's status command."""
    rows = session.execute(
        select(*_PROGRESS_COLUMNS)
        .where(Job.kind.in_(job_kinds()))
        .order_by(Job.id.desc())
        .limit(limit)
    )
    return [JobProgress(**row._mapping) for row in rows]
