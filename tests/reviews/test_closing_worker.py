"""A real worker process closing a cycle is killed (SIGKILL) mid-job; the next one to start
finishes it, and every packet is frozen exactly once, the early ones as first frozen."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core.jobs import Job, JobState, queue
from portal.reviews.models import ReviewCycle, ReviewPacket
from portal.reviews.services import CLOSE_CYCLE
from tests.conftest import UserFactory

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 36
BATCH = 4


@pytest.fixture
def file_queue(app, tmp_path) -> Iterator[str]:
    """A real queue on disk in place of immediate mode, as in production without Redis."""
    url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    queue.configure(url)
    yield url
    queue.configure(app.config["QUEUE_URL"])


def start_worker(database_url: str, queue_url: str, pause: float) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PORTAL_ENV": "testing",
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_QUEUE_URL": queue_url,
        "PORTAL_JOB_BATCH_SIZE": str(BATCH),
        "PORTAL_JOB_BATCH_PAUSE": str(pause),
        "PORTAL_JOB_LEASE_SECONDS": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(check: Callable[[], bool], worker: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if worker.poll() is not None:
            raise AssertionError(worker.stderr.read().decode() if worker.stderr else "worker died")
        assert time.monotonic() < deadline, "the worker did not get there in time"
        time.sleep(0.05)


def test_a_worker_killed_mid_close_loses_nothing(
    db, database, org, cycle: ReviewCycle, admin, make_user: UserFactory, login_as, file_queue
) -> None:
    for number in range(PEOPLE - 8):
        make_user(f"worker.test{number}@example.com", manager=org.manager)
    people = db.scalar(select(func.count()).select_from(User))
    db.commit()
    assert login_as(admin).post(f"/admin/review-cycles/{cycle.id}/close").status_code == 303

    def job() -> Job:
        with database.read_sessions() as session:
            found = session.scalar(select(Job).where(Job.kind == CLOSE_CYCLE))
            assert found is not None
            return found

    assert job().state == JobState.QUEUED  # queued on disk, not run inline
    first = start_worker(database.url, file_queue, pause=0.2)
    try:
        wait_for(lambda: job().done >= 2 * BATCH, first, seconds=30)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    killed = job()
    assert killed.state == JobState.RUNNING and 0 < killed.done < people

    with database.read_sessions() as session:
        frozen_first = dict(
            session.execute(
                select(ReviewPacket.user_id, ReviewPacket.frozen_at).where(
                    ReviewPacket.cycle_id == cycle.id
                )
            ).all()
        )
    assert len(frozen_first) == killed.done

    second = start_worker(database.url, file_queue, pause=0)
    try:
        wait_for(lambda: job().state == JobState.DONE, second, seconds=30)
    finally:
        second.send_signal(signal.SIGINT)
        second.wait(timeout=10)
    with database.read_sessions() as session:
        packets = session.execute(
            select(ReviewPacket.user_id, ReviewPacket.frozen_at).where(
                ReviewPacket.cycle_id == cycle.id
            )
        ).all()
        closed_at = session.scalar(select(ReviewCycle.closed_at).where(ReviewCycle.id == cycle.id))
    frozen = dict(packets)
    assert len(packets) == len(frozen) == people  # each person's packet exactly once
    assert all(frozen[user_id] == at for user_id, at in frozen_first.items())
    assert closed_at is not None
    assert (job().done, job().total) == (people, people)
