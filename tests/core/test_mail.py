"""The outbox: a failed send is kept, retried later and never lost."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from portal.core.db import Database, utcnow
from portal.core.mail import SENT_IN_MEMORY, OutboxMessage, enqueue_email, send_due_messages

SENDER = "portal@example.com"


@pytest.fixture
def send_due(database: Database):
    def send(db: Session, sender: str, transport, max_attempts: int) -> tuple[int, int]:
        db.commit()  # the worker uses its own sessions; this one must not hold SQLite's lock
        result = send_due_messages(database.write_sessions, sender, transport, max_attempts)
        db.expire_all()
        return result

    return send


def broken_transport(_message: EmailMessage) -> None:
    raise OSError("connection refused")


def queue(db: Session, recipient: str = "ann@example.com", subject: str = "Hello") -> OutboxMessage:
    message = enqueue_email(db, recipient, subject, "Body text")
    db.commit()
    return message


def make_due(db: Session) -> None:
    db.execute(update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.commit()


def test_a_failed_send_is_kept_with_its_error_and_retried_later(db: Session, send_due) -> None:
    message = queue(db)
    before = utcnow()
    assert send_due(db, SENDER, broken_transport, max_attempts=5) == (0, 1)
    db.commit()
    assert message.sent_at is None
    assert message.attempts == 1
    assert message.last_error == "connection refused"
    assert message.next_attempt_at > before + timedelta(seconds=30)
    # Not due yet: nothing is tried again before its time.
    assert send_due(db, SENDER, SENT_IN_MEMORY.append, max_attempts=5) == (0, 0)
    make_due(db)
    assert send_due(db, SENDER, SENT_IN_MEMORY.append, max_attempts=5) == (1, 0)
    db.commit()
    assert message.sent_at is not None and message.attempts == 2
    assert [sent["To"] for sent in SENT_IN_MEMORY] == ["ann@example.com"]
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_the_delay_grows_with_each_failure(db: Session, send_due) -> None:
    message = queue(db)
    delays = []
    for _ in range(3):
        make_due(db)
        start = utcnow()
        send_due(db, SENDER, broken_transport, max_attempts=10)
        db.commit()
        delays.append(message.next_attempt_at - start)
    assert delays[0] < delays[1] < delays[2]


def test_sent_messages_are_kept_and_not_sent_twice(db: Session, send_due) -> None:
    queue(db)
    assert send_due(db, SENDER, SENT_IN_MEMORY.append, max_attempts=5) == (1, 0)
    db.commit()
    assert send_due(db, SENDER, SENT_IN_MEMORY.append, max_attempts=5) == (0, 0)
    assert len(SENT_IN_MEMORY) == 1
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_a_subject_with_a_line_break_does_not_block_the_queue(db: Session, send_due) -> None:
    queue(db, subject="Idea\nBcc: everyone@example.com")
    queue(db, "bob@example.com")
    assert send_due(db, SENDER, SENT_IN_MEMORY.append, max_attempts=5) == (2, 0)
    assert SENT_IN_MEMORY[0]["Subject"] == "Idea Bcc: everyone@example.com"
    assert SENT_IN_MEMORY[0]["Bcc"] is None


def test_outbox_send_command(app: Flask, db: Session) -> None:
    queue(db)
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 failed" in result.output
    assert [sent["To"] for sent in SENT_IN_MEMORY] == ["ann@example.com"]
    db.expire_all()
    assert db.scalars(select(OutboxMessage)).one().sent_at is not None


def test_no_transaction_is_held_while_the_mail_server_is_slow(
    db: Session, database: Database, send_due
) -> None:
    queue(db)

    def transport_meanwhile_a_request_writes(message: EmailMessage) -> None:
        with database.write_sessions.begin() as request_session:
            enqueue_email(request_session, "bob@example.com", "Written meanwhile", "Body")
        SENT_IN_MEMORY.append(message)

    assert send_due(db, SENDER, transport_meanwhile_a_request_writes, max_attempts=5) == (1, 0)
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 2


def test_a_claimed_message_is_not_sent_by_a_second_worker(
    db: Session, database: Database, send_due
) -> None:
    queue(db)
    second_worker: list[tuple[int, int]] = []

    def transport_while_another_worker_runs(message: EmailMessage) -> None:
        second_worker.append(
            send_due_messages(database.write_sessions, SENDER, SENT_IN_MEMORY.append, 5)
        )
        SENT_IN_MEMORY.append(message)

    assert send_due(db, SENDER, transport_while_another_worker_runs, max_attempts=5) == (1, 0)
    assert second_worker == [(0, 0)]
    assert len(SENT_IN_MEMORY) == 1


def test_a_message_the_mail_library_refuses_is_kept_and_does_not_block(
    db: Session, send_due
) -> None:
    db.add(OutboxMessage(recipient="ann@example.com", subject="Bad\nSubject", body="Body"))
    queue(db, "bob@example.com")
    assert send_due(db, SENDER, SENT_IN_MEMORY.append, max_attempts=5) == (1, 1)
    refused = db.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))).one()
    assert refused.attempts == 1 and "linefeed" in refused.last_error
