"""Closing a review cycle as a background job: batched, idempotent, resumable, and watched
from the admin page. Jobs run in immediate mode here (after the request's commit)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, update

from portal.accounts.models import User
from portal.core.db import utcnow
from portal.core.errors import Conflict, NotFound
from portal.core.jobs import Job, JobSettings, JobState, run_job
from portal.reviews.models import ReviewPacket
from portal.reviews.services import CLOSE_CYCLE, freeze_next_batch, start_closing
from tests.recognition.conftest import Org

SMALL_BATCHES = JobSettings(batch_size=2, lease_seconds=60, pause_seconds=0, max_attempts=3)


def packets_of(db, cycle_id: int) -> dict[int, ReviewPacket]:
    """The cycle's packets, read without keeping the write lock the test session would take."""
    db.commit()
    packets = {
        packet.user_id: packet
        for packet in db.scalars(select(ReviewPacket).where(ReviewPacket.cycle_id == cycle_id))
    }
    db.commit()
    return packets


def people_count(db) -> int:
    count = db.scalar(select(func.count()).select_from(User))
    db.commit()
    return count


def test_the_admin_page_closes_a_cycle_in_the_background(db, org: Org, cycle, admin, login_as):
    client = login_as(admin)
    response = client.post(f"/admin/review-cycles/{cycle.id}/close")
    assert response.status_code == 303
    packets = packets_of(db, cycle.id)
    assert len(packets) == people_count(db)
    db.refresh(cycle)
    assert cycle.closed_at is not None
    job = db.scalar(select(Job).where(Job.kind == CLOSE_CYCLE, Job.target_id == cycle.id))
    assert (job.state, job.done, job.total) == (JobState.DONE, len(packets), len(packets))
    db.commit()
    page = client.get("/admin/review-cycles").get_data(as_text=True)
    assert "Closed " in page and "Close and freeze" not in page
    again = client.post(f"/admin/review-cycles/{cycle.id}/close")
    assert again.status_code == 409
    assert "This review cycle is already closed." in again.get_data(as_text=True)
    assert len(packets_of(db, cycle.id)) == len(packets)


def test_asking_twice_while_it_runs_queues_one_job(db, org: Org, cycle, admin) -> None:
    start_closing(db, admin, cycle.id)
    with pytest.raises(Conflict, match="already being closed"):
        start_closing(db, admin, cycle.id)
    with pytest.raises(NotFound):
        start_closing(db, admin, cycle.id + 1000)
    db.rollback()


def test_a_killed_run_resumes_and_keeps_what_it_froze(db, database, org: Org, cycle, admin):
    job = Job(kind=CLOSE_CYCLE, target_id=cycle.id, total=people_count(db))
    db.add(job)
    db.commit()
    # The first worker froze one batch, committed it, and died holding the lease.
    assert not freeze_next_batch(db, job, 2)
    job.state, job.lease_owner = JobState.RUNNING, "killed"
    job.lease_until = utcnow() - timedelta(seconds=1)
    db.commit()
    first = {user_id: packet.frozen_at for user_id, packet in packets_of(db, cycle.id).items()}
    assert len(first) == 2
    assert run_job(database, job.id, SMALL_BATCHES) == JobState.DONE
    packets = packets_of(db, cycle.id)
    assert len(packets) == people_count(db)
    assert all(packets[user_id].frozen_at == at for user_id, at in first.items())
    db.refresh(job)
    assert (job.state, job.done) == (JobState.DONE, len(packets))
    db.commit()


def test_a_batch_done_again_keeps_the_packet_frozen_first(db, database, org: Org, cycle):
    db.execute(
        insert(ReviewPacket).values(
            cycle_id=cycle.id, user_id=org.colleague.id, content={"frozen": "first"}
        )
    )
    job = Job(kind=CLOSE_CYCLE, target_id=cycle.id, total=people_count(db))
    db.add(job)
    db.commit()
    assert run_job(database, job.id, SMALL_BATCHES) == JobState.DONE
    packets = packets_of(db, cycle.id)
    assert len(packets) == people_count(db)
    assert packets[org.colleague.id].content == {"frozen": "first"}


def test_a_failed_close_can_be_asked_again(db, org: Org, cycle, admin, login_as) -> None:
    db.add(
        Job(
            kind=CLOSE_CYCLE,
            target_id=cycle.id,
            total=3,
            state=JobState.FAILED,
            attempts=5,
            error="OperationalError: the disk is full",
        )
    )
    db.commit()
    client = login_as(admin)
    page = client.get("/admin/review-cycles").get_data(as_text=True)
    assert "Closing stopped after several tries (OperationalError: the disk is full)" in page
    assert "Close and freeze" in page
    assert client.post(f"/admin/review-cycles/{cycle.id}/close").status_code == 303
    assert len(packets_of(db, cycle.id)) == people_count(db)


def closing_job(db, cycle_id: int, done: int = 3, total: int = 10) -> Job:
    job = Job(kind=CLOSE_CYCLE, target_id=cycle_id, total=total, done=done)
    job.state = JobState.RUNNING
    job.lease_owner, job.lease_until = "busy", utcnow() + timedelta(minutes=5)
    db.add(job)
    db.commit()
    return job


def test_the_page_shows_progress_and_htmx_polls_it(db, cycle, admin, login_as) -> None:
    job = closing_job(db, cycle.id)
    client = login_as(admin)
    page = client.get("/admin/review-cycles").get_data(as_text=True)
    assert '<progress max="10" value="3"' in page
    assert "Closing: 3 of 10 packets frozen." in page
    assert 'href="/admin/review-cycles">Refresh</a>' in page
    assert "Close and freeze" not in page
    fragment = client.get(f"/admin/jobs/{job.id}", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert text.lstrip().startswith(f'<div id="job-{job.id}"')
    assert f'id="job-{job.id}"' in text and 'hx-trigger="every 3s"' in text
    assert "<html" not in text
    full = client.get(f"/admin/jobs/{job.id}").get_data(as_text=True)
    assert "<html" in full and f'href="/admin/jobs/{job.id}">Refresh</a>' in full
    db.execute(update(Job).where(Job.id == job.id).values(state=JobState.DONE, done=10))
    db.commit()
    done = client.get(f"/admin/jobs/{job.id}", headers={"HX-Request": "true"}).get_data(True)
    assert "all 10 packets are frozen" in done and "hx-trigger" not in done


def test_the_progress_is_for_admins_only(db, org: Org, cycle, login_as, app) -> None:
    job = closing_job(db, cycle.id)
    for person in (org.employee, org.manager):
        client = app.test_client()
        client.post("/login", data={"email": person.email, "password": "correct-horse-battery"})
        assert client.get(f"/admin/jobs/{job.id}").status_code == 403
    assert app.test_client().get(f"/admin/jobs/{job.id}").status_code in (302, 303)


def test_a_forged_job_id_is_not_found(db, cycle, admin, login_as) -> None:
    job = closing_job(db, cycle.id)
    lock = Job(kind="send_outbox", target_id=0)  # a periodic task's lock is no page
    db.add(lock)
    db.commit()
    client = login_as(admin)
    for job_id in (job.id + 1000, lock.id, 2**31, 10**30):
        response = client.get(f"/admin/jobs/{job_id}")
        assert response.status_code == 404, job_id
    assert client.get("/admin/jobs/abc").status_code == 404


def test_the_progress_reads_in_a_fixed_number_of_statements(
    db, cycle, admin, login_as, count_statements
) -> None:
    job = closing_job(db, cycle.id)
    client = login_as(admin)
    with count_statements() as counter:
        assert client.get(f"/admin/jobs/{job.id}").status_code == 200
    assert counter.count <= 3  # the session's person, their sign-in, the job


def test_the_command_line_closes_with_a_progress_bar(db, org: Org, cycle, app) -> None:
    result = app.test_cli_runner().invoke(args=["cycles", "close", str(cycle.id)])
    assert result.exit_code == 0, result.output
    assert "Freezing packets" in result.output and f"Cycle {cycle.id} is closed" in result.output
    assert len(packets_of(db, cycle.id)) == people_count(db)
    again = app.test_cli_runner().invoke(args=["cycles", "close", str(cycle.id)])
    assert again.exit_code == 1 and "already closed" in again.output
    missing = app.test_cli_runner().invoke(args=["cycles", "close", "99999"])
    assert missing.exit_code == 1 and "does not exist" in missing.output


def test_two_admins_closing_at_once_start_one_job(
    db, database, org: Org, cycle, admin, app
) -> None:
    db.commit()
    start = threading.Barrier(3)
    outcomes: list[str] = []

    def close() -> None:
        with app.app_context(), database.write_sessions() as session:
            start.wait()
            try:
                start_closing(session, admin, cycle.id)
                session.commit()  # the job runs here, in immediate mode
                outcomes.append("started")
            except Conflict as error:
                session.rollback()
                outcomes.append("refused" if "already" in error.message else error.message)
            except BaseException as error:  # any other failure must fail the test
                outcomes.append(repr(error))

    threads = [threading.Thread(target=close) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "refused", "started"]
    assert db.scalar(select(func.count()).select_from(Job)) == 1
    db.commit()
    assert len(packets_of(db, cycle.id)) == people_count(db)


def test_the_status_command_lists_jobs(db, org: Org, cycle, app) -> None:
    runner = app.test_cli_runner()
    assert "No background jobs yet." in runner.invoke(args=["jobs", "status"]).output
    closing_job(db, cycle.id, done=3, total=10)
    listed = runner.invoke(args=["jobs", "status"]).output
    assert f"close_cycle {cycle.id}: running, 3/10" in listed
