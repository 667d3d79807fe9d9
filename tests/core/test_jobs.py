"""The job queue: jobs run after their commit, in committed batches, one worker at a time,
retried on failure and resumed after a crash; periodic tasks hold a lock. Immediate mode."""

from __future__ import annotations

from datetime import timedelta

import pytest
from huey.storage import RedisStorage, SqliteStorage
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.core.config import default_queue_url
from portal.core.db import Database, utcnow
from portal.core.jobs import (
    Job,
    JobBusy,
    JobSettings,
    JobState,
    LeaseLost,
    exclusive,
    job_step,
    new_job,
    queue,
    resume_unfinished_jobs,
    run_job,
    storage_for,
)
from portal.core.mail import SENT_IN_MEMORY, enqueue_email
from portal.site.tasks import digest_time, send_outbox_task

SETTINGS = JobSettings(batch_size=2, lease_seconds=60, pause_seconds=0, max_attempts=2)
FAIL_AT: list[int] = []  # the counting step fails once it has done this many


@job_step("test_count")
def count_step(session: Session, job: Job, batch_size: int) -> bool:
    if FAIL_AT and job.done >= FAIL_AT[0]:
        raise RuntimeError("the test's step failed")
    job.done = min(job.total, job.done + batch_size)
    return job.done >= job.total


@pytest.fixture(autouse=True)
def _no_failures():
    yield
    FAIL_AT.clear()


def add_job(db: Session, total: int = 5, **values) -> Job:
    job = Job(kind="test_count", target_id=1, total=total, **values)
    db.add(job)
    db.commit()
    return job


def state_of(database: Database, job_id: int) -> Job:
    with database.read_sessions() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def test_a_job_runs_after_its_commit_and_not_after_a_rollback(db, database, app) -> None:
    with app.app_context():
        job = new_job(db, "test_count", 1, total=5, actor_id=None, refusal=ValueError())
        db.rollback()
        assert db.scalar(select(Job.id)) is None
        job = new_job(db, "test_count", 1, total=5, actor_id=None, refusal=ValueError())
        db.commit()
    finished = state_of(database, job.id)
    assert (finished.state, finished.done, finished.lease_owner) == (JobState.DONE, 5, None)


def test_one_job_per_target(db, app) -> None:
    new_job(db, "test_count", 1, total=5, actor_id=None, refusal=ValueError())
    with pytest.raises(LookupError):
        new_job(db, "test_count", 1, total=5, actor_id=None, refusal=LookupError())
    db.rollback()


def test_progress_is_committed_batch_by_batch(db, database) -> None:
    job = add_job(db, total=5)
    seen: list[tuple[int, int]] = []
    assert run_job(database, job.id, SETTINGS, lambda done, total: seen.append((done, total)))
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert run_job(database, job.id, SETTINGS) == JobState.DONE  # a second run does nothing


def test_a_failure_is_recorded_retried_and_resumed_from_the_last_batch(db, database) -> None:
    job = add_job(db, total=5)
    FAIL_AT.append(2)
    with pytest.raises(RuntimeError):
        run_job(database, job.id, SETTINGS)
    failed_once = state_of(database, job.id)
    assert (failed_once.state, failed_once.done, failed_once.attempts) == (JobState.QUEUED, 2, 1)
    assert "the test's step failed" in failed_once.error
    FAIL_AT.clear()
    assert run_job(database, job.id, SETTINGS) == JobState.DONE
    assert state_of(database, job.id).done == 5


def test_a_job_failing_every_attempt_stops_as_failed(db, database) -> None:
    job = add_job(db, total=5)
    FAIL_AT.append(0)
    for _attempt in range(SETTINGS.max_attempts):
        with pytest.raises(RuntimeError):
            run_job(database, job.id, SETTINGS)
    assert state_of(database, job.id).state == JobState.FAILED
    assert run_job(database, job.id, SETTINGS) == JobState.FAILED


def test_a_job_leased_by_another_worker_is_not_run_twice(db, database) -> None:
    job = add_job(db, lease_owner="other", lease_until=utcnow() + timedelta(seconds=30))
    with pytest.raises(JobBusy) as busy:
        run_job(database, job.id, SETTINGS)
    assert 25 < busy.value.seconds <= 31
    assert state_of(database, job.id).done == 0


def test_a_dead_workers_expired_lease_is_taken_over(db, database) -> None:
    job = add_job(
        db,
        state=JobState.RUNNING,
        done=2,
        lease_owner="killed",
        lease_until=utcnow() - timedelta(seconds=1),
    )
    assert run_job(database, job.id, SETTINGS) == JobState.DONE
    assert state_of(database, job.id).done == 5


def test_a_run_whose_lease_was_taken_over_rolls_its_batch_back(db, database) -> None:
    job = add_job(db, total=5)

    def steal(done: int, _total: int) -> None:
        with database.write_sessions.begin() as session:
            session.execute(update(Job).where(Job.id == job.id).values(lease_owner="thief"))

    with pytest.raises(LeaseLost):
        run_job(database, job.id, SETTINGS, steal)
    assert state_of(database, job.id).done == 2


def test_unfinished_jobs_nobody_holds_are_sent_again(db, database, app) -> None:
    lost = add_job(db, state=JobState.RUNNING, lease_until=utcnow() - timedelta(minutes=1))
    held = Job(
        kind="test_count",
        target_id=2,
        total=5,
        state=JobState.RUNNING,
        lease_owner="alive",
        lease_until=utcnow() + timedelta(minutes=1),
    )
    db.add(held)
    db.commit()
    with app.app_context():
        assert resume_unfinished_jobs(database) == 1
    assert state_of(database, lost.id).state == JobState.DONE
    assert state_of(database, held.id).done == 0


def test_a_periodic_task_runs_in_one_worker_at_a_time(database) -> None:
    with exclusive(database, "test_lock") as first, exclusive(database, "test_lock") as second:
        assert (first, second) == (True, False)
    with exclusive(database, "test_lock") as again:
        assert again
    with database.write_sessions.begin() as session:  # its holder was killed long ago
        session.execute(
            update(Job)
            .where(Job.kind == "test_lock")
            .values(lease_owner="dead", lease_until=utcnow() - timedelta(seconds=1))
        )
    with exclusive(database, "test_lock") as after_crash:
        assert after_crash


def test_the_outbox_task_sends_waiting_mail(db, app) -> None:
    for number in range(3):
        enqueue_email(db, f"person{number}@example.com", "Hello", "Body")
    db.commit()
    with app.app_context():
        send_outbox_task()
    assert sorted(message["To"] for message in SENT_IN_MEMORY) == [
        "person0@example.com",
        "person1@example.com",
        "person2@example.com",
    ]


def test_digests_go_once_a_day_on_the_hour() -> None:
    moment = utcnow().replace(hour=7, minute=0)
    assert digest_time(moment)
    assert not digest_time(moment.replace(minute=1))
    assert not digest_time(moment.replace(hour=8))


def test_the_queue_is_embedded_by_default_and_redis_when_named(tmp_path) -> None:
    assert default_queue_url("sqlite:////srv/portal/portal.sqlite3") == (
        "sqlite:////srv/portal/portal.queue.sqlite3"
    )
    assert default_queue_url("postgresql+psycopg://db/portal").endswith("instance/queue.sqlite3")
    assert isinstance(storage_for("t", f"sqlite:///{tmp_path / 'q.sqlite3'}"), SqliteStorage)
    assert isinstance(storage_for("t", "redis://127.0.0.1:6379/0"), RedisStorage)
    with pytest.raises(ValueError, match="PORTAL_QUEUE_URL"):
        storage_for("t", "amqp://elsewhere")


def test_a_queue_that_is_down_fails_no_request_and_the_sweep_sends_the_job(
    db, database, app
) -> None:
    queue.configure("redis://127.0.0.1:1/0")  # nothing listens there
    try:
        job = new_job(db, "test_count", 1, total=5, actor_id=None, refusal=ValueError())
        db.commit()
    finally:
        queue.configure(app.config["QUEUE_URL"])
    assert state_of(database, job.id).state == JobState.QUEUED
    with app.app_context():
        resume_unfinished_jobs(database)
    assert state_of(database, job.id).state == JobState.DONE


def test_the_worker_needs_a_real_queue(app) -> None:
    result = app.test_cli_runner().invoke(args=["jobs", "worker"])
    assert result.exit_code == 1 and "immediate" in result.output
