"""Background jobs: a Huey queue for work that leaves the request, and a row per job.

The queue (SQLite in instance/ by default, Redis with ``PORTAL_QUEUE_URL=redis://...``) only
carries "run job N". The ``jobs`` row is the truth: state, progress, and a lease that lets one
worker at a time run it. A job works in batches, each committed with its progress, so a worker
killed mid-job loses at most the batch it was on; a queue message lost with that worker is put
back by the next worker to start and by a sweep every minute, and the new run resumes from the
last committed batch. Steps are idempotent, so a batch done twice writes nothing twice.
"""

from __future__ import annotations

import enum
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from huey.exceptions import RetryTask
from huey.storage import RedisStorage, SqliteStorage
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    String,
    UniqueConstraint,
    event,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.core.db import (
    Base,
    Database,
    enum_by_value,
    get_database,
    insert_or_refuse,
    rows_changed,
    utcnow,
)

log = logging.getLogger(__name__)

IMMEDIATE = "immediate"


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


UNFINISHED = (JobState.QUEUED, JobState.RUNNING)


class Job(Base):
    """One piece of background work on one target (closing cycle 7), or a periodic task's lock."""

    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("kind", "target_id"),
        CheckConstraint("done >= 0 AND total >= 0 AND attempts >= 0", name="counts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int] = mapped_column(default=0)
    state: Mapped[JobState] = mapped_column(
        enum_by_value(JobState, "job_state"), default=JobState.QUEUED
    )
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(1000), default="")
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


# A step does one batch of a job's work in the session it is given, adds what it did to
# job.done, and says whether the job is finished. The runner commits each batch.
Step = Callable[[Session, Job, int], bool]
_STEPS: dict[str, Step] = {}


def job_kinds() -> list[str]:
    """The kinds of work jobs do (periodic tasks' locks are rows too, but no such kind)."""
    return list(_STEPS)


def job_step(kind: str) -> Callable[[Step], Step]:
    """Register the function that does one batch of jobs of this kind."""

    def register(step: Step) -> Step:
        _STEPS[kind] = step
        return step

    return register


def new_job(
    session: Session,
    kind: str,
    target_id: int,
    *,
    total: int,
    actor_id: int | None,
    refusal: Exception,
) -> Job:
    """A queued job, sent to the workers once the session commits (never before: they would
    not see it yet). A second job for the same target raises `refusal`."""
    job = Job(kind=kind, target_id=target_id, total=total, requested_by_id=actor_id)
    insert_or_refuse(session, job, refusal)
    run_after_commit(session, job.id)
    return job


def find_job(session: Session, kind: str, target_id: int) -> Job | None:
    return session.scalar(select(Job).where(Job.kind == kind, Job.target_id == target_id))


def finish_job(job: Job) -> None:
    """Mark a job done by the caller itself (it ran every step in its own transaction)."""
    job.state, job.finished_at = JobState.DONE, utcnow()
    job.total = max(job.total, job.done)


def requeue_job(session: Session, job: Job) -> None:
    """Give a failed job a fresh set of attempts."""
    job.state, job.attempts, job.error = JobState.QUEUED, 0, ""
    session.flush()
    run_after_commit(session, job.id)


# The queue -------------------------------------------------------------------------------


class PortalHuey(Huey):
    """Huey whose storage follows the app's QUEUE_URL (configure), immediate until then."""

    url = IMMEDIATE

    def get_storage(self, **kwargs: Any) -> Any:
        return storage_for(self.name, self.url)

    def configure(self, url: str) -> None:
        self.url = url
        self._immediate = url == IMMEDIATE
        self.storage = self.create_storage()


def storage_for(name: str, url: str) -> Any:
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStorage(name, url=url)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteStorage(name, filename=str(path))
    raise ValueError(f"PORTAL_QUEUE_URL must be redis://..., sqlite:///... or immediate: {url!r}")


queue = PortalHuey("portal", results=False, immediate=True, utc=True)
_worker_app: list[Flask] = []


def init_app(app: Flask) -> None:
    queue.configure(app.config["QUEUE_URL"])


def bind_worker_app(app: Flask) -> None:
    """Jobs run by the worker's threads use this app (they have no app context of their own)."""
    _worker_app[:] = [app]


def job_app_context() -> Any:
    """The app context a task runs in: the caller's in immediate mode, else the worker's app."""
    if has_app_context():
        return nullcontext()
    if not _worker_app:
        raise RuntimeError("no app for background jobs: start them with `flask jobs worker`")
    return _worker_app[0].app_context()


def worker_setting(name: str, default: Any) -> Any:
    """A setting of the worker's app, for schedules checked outside any app context."""
    return _worker_app[0].config.get(name, default) if _worker_app else default


def run_after_commit(session: Session, job_id: int) -> None:
    session.info.setdefault("portal_jobs", []).append(job_id)


@event.listens_for(Session, "after_commit")
def _enqueue_after_commit(session: Session) -> None:
    for job_id in session.info.pop("portal_jobs", []):
        try:
            run_job_task(job_id)
        except Exception:  # the queue is down: the work is committed, and the sweep sends it
            log.exception("job %s could not be queued; the next sweep will send it", job_id)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop("portal_jobs", None)


@dataclass(frozen=True)
class JobSettings:
    batch_size: int
    lease_seconds: int
    pause_seconds: float
    max_attempts: int

    @classmethod
    def of(cls, app: Flask) -> JobSettings:
        config = app.config
        return cls(
            config["JOB_BATCH_SIZE"],
            config["JOB_LEASE_SECONDS"],
            config["JOB_BATCH_PAUSE"],
            config["JOB_MAX_ATTEMPTS"],
        )


@queue.task(retries=3, retry_delay=15, name="run_job")
def run_job_task(job_id: int) -> None:
    with job_app_context():
        try:
            run_job(get_database(), job_id, JobSettings.of(current_app))
        except JobBusy as busy:
            raise RetryTask(delay=busy.seconds) from None


@queue.periodic_task(crontab(minute="*"), name="resume_jobs")
def resume_jobs_task() -> None:
    with job_app_context():
        resume_unfinished_jobs(get_database())


# Running a job ---------------------------------------------------------------------------


class JobBusy(Exception):
    """Another worker holds the job's lease; try again once it may have expired."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the job is being run elsewhere; retry in {seconds:.0f} s")
        self.seconds = max(seconds, 1.0)


class LeaseLost(Exception):
    """This run was too slow and another worker took the job over: its batch is rolled back."""


Progress = Callable[[int, int], None]


def _take_lease(
    session: Session, job_id: int, owner: str, seconds: int, states: tuple[JobState, ...]
) -> bool:
    now = utcnow()
    return (
        rows_changed(
            session,
            update(Job)
            .where(
                Job.id == job_id,
                Job.state.in_(states),
                or_(Job.lease_until.is_(None), Job.lease_until < now),
            )
            .values(
                lease_owner=owner,
                lease_until=now + timedelta(seconds=seconds),
                state=JobState.RUNNING,
                started_at=now,
            )
            .execution_options(synchronize_session=False),
        )
        == 1
    )


def _renew_lease(session: Session, job_id: int, owner: str, seconds: int) -> None:
    renewed = rows_changed(
        session,
        update(Job)
        .where(Job.id == job_id, Job.lease_owner == owner)
        .values(lease_until=utcnow() + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False),
    )
    if renewed != 1:
        raise LeaseLost(f"job {job_id} was taken over by another worker")


def run_job(
    database: Database,
    job_id: int,
    settings: JobSettings,
    progress: Progress | None = None,
) -> JobState | None:
    """Run a job to its end, one committed batch at a time; raise JobBusy when it is taken."""
    owner = uuid.uuid4().hex
    with database.write_sessions.begin() as session:
        job = session.get(Job, job_id)
        if job is None or job.state not in UNFINISHED:
            return job.state if job else None
        if not _take_lease(session, job_id, owner, settings.lease_seconds, UNFINISHED):
            # Read before another worker took it at this very moment: try again shortly.
            until = job.lease_until or utcnow()
            raise JobBusy((until - utcnow()).total_seconds() + 1)
    try:
        while True:
            with database.write_sessions.begin() as session:
                _renew_lease(session, job_id, owner, settings.lease_seconds)
                job = session.get(Job, job_id, populate_existing=True)
                assert job is not None
                finished = _STEPS[job.kind](session, job, settings.batch_size)
                if finished:
                    job.state, job.finished_at = JobState.DONE, utcnow()
                    job.total = max(job.total, job.done)
                    job.lease_owner, job.lease_until = None, None
                done, total = job.done, job.total
            if progress is not None:
                progress(done, total)
            if finished:
                return JobState.DONE
            time.sleep(settings.pause_seconds)
    except LeaseLost:
        raise
    except Exception as error:
        _record_failure(database, job_id, owner, error, settings.max_attempts)
        raise


def _record_failure(
    database: Database, job_id: int, owner: str, error: Exception, max_attempts: int
) -> None:
    log.exception("job %s failed", job_id)
    with database.write_sessions.begin() as session:
        job = session.get(Job, job_id)
        if job is None or job.lease_owner != owner:
            return
        job.attempts += 1
        job.error = f"{type(error).__name__}: {error}"[:1000]
        job.state = JobState.FAILED if job.attempts >= max_attempts else JobState.QUEUED
        job.lease_owner, job.lease_until = None, None


def resume_unfinished_jobs(database: Database, *, held_too: bool = False) -> int:
    """Send unfinished jobs back to the queue (a message lost with a killed worker).

    The minute's sweep sends those nobody holds; a starting worker sends every unfinished one,
    since a lease of the worker it replaces may not have run out yet: such a run waits for it.
    """
    query = select(Job.id).where(Job.kind.in_(job_kinds()), Job.state.in_(UNFINISHED))
    if not held_too:
        query = query.where(or_(Job.lease_until.is_(None), Job.lease_until < utcnow()))
    with database.read_sessions() as session:
        job_ids = list(session.scalars(query))
    for job_id in job_ids:
        run_job_task(job_id)
    return len(job_ids)


class _Taken(Exception):
    pass


@contextmanager
def exclusive(database: Database, kind: str, lease_seconds: int = 600) -> Iterator[bool]:
    """Hold the lock of a periodic task while the block runs; yields False when another worker
    holds it (the block should then do nothing). A killed holder's lock expires with its lease."""
    owner = uuid.uuid4().hex
    with database.write_sessions.begin() as session:
        job_id = session.scalar(select(Job.id).where(Job.kind == kind, Job.target_id == 0))
        if job_id is None:
            job = Job(kind=kind, target_id=0)
            try:
                insert_or_refuse(session, job, _Taken())
                job_id = job.id
            except _Taken:  # another worker added it at the same moment, and holds it
                job_id = None
        held = job_id is not None and _take_lease(
            session, job_id, owner, lease_seconds, tuple(JobState)
        )
    if not held:
        yield False
        return
    try:
        yield True
    finally:
        with database.write_sessions.begin() as session:
            session.execute(
                update(Job)
                .where(Job.id == job_id, Job.lease_owner == owner)
                .values(
                    state=JobState.DONE, finished_at=utcnow(), lease_owner=None, lease_until=None
                ),
                execution_options={"synchronize_session": False},
            )
