"""Email through an outbox: requests only add rows, a worker command sends them.

A failed send stays in the outbox with its error and is retried later with a growing delay, so a
mail outage never loses a message nor fails a request.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import Flask
from sqlalchemy import Index, String, Text, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from portal.core.db import Base, utcnow

log = logging.getLogger(__name__)

# Messages "sent" with the memory backend, for tests.
SENT_IN_MEMORY: list[EmailMessage] = []


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(1000), default="")
    sent_at: Mapped[datetime | None]


def enqueue_email(session: Session, recipient: str, subject: str, body: str) -> OutboxMessage:
    # A line break in a header would make the message unsendable, so the subject is one line.
    message = OutboxMessage(recipient=recipient, subject=" ".join(subject.split())[:255], body=body)
    session.add(message)
    return message


def enqueue_emails(session: Session, messages: list[tuple[str, str, str]]) -> None:
    """Many (recipient, subject, body) messages in one INSERT, as `enqueue_email` writes each."""
    if messages:
        session.execute(
            insert(OutboxMessage),
            [
                {"recipient": recipient, "subject": " ".join(subject.split())[:255], "body": body}
                for recipient, subject, body in messages
            ],
        )


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes, capped at six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


Transport = Callable[[EmailMessage], None]


def transport_for(app: Flask) -> Transport:
    backend = app.config["MAIL_BACKEND"]
    if backend == "smtp":
        return lambda message: _send_smtp(app, message)
    if backend == "memory":
        return SENT_IN_MEMORY.append
    return lambda message: log.info(
        "mail to %s: %s\n%s", message["To"], message["Subject"], message.get_content()
    )


def _send_smtp(app: Flask, message: EmailMessage) -> None:
    config = app.config
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=30) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(message)


def build_message(sender: str, outbox_message: OutboxMessage) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = outbox_message.recipient
    message["Subject"] = outbox_message.subject
    message.set_content(outbox_message.body)
    return message


# How long a claimed message is left to its worker before another may try it.
CLAIM_LEASE = timedelta(minutes=5)
SEND_ERRORS = (OSError, smtplib.SMTPException, ValueError)


def due_messages(session: Session, limit: int) -> list[OutboxMessage]:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= utcnow())
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Several workers may run at once; each takes different rows.
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def claim_due_messages(
    session: Session, sender: str, limit: int
) -> list[tuple[int, EmailMessage | ValueError]]:
    """Lease what is due to this worker and build each message (or the reason it cannot be)."""
    claimed: list[tuple[int, EmailMessage | ValueError]] = []
    lease_end = utcnow() + CLAIM_LEASE
    for outbox_message in due_messages(session, limit):
        outbox_message.next_attempt_at = lease_end
        try:
            claimed.append((outbox_message.id, build_message(sender, outbox_message)))
        except ValueError as error:
            # A message the mail library refuses must not block the others.
            claimed.append((outbox_message.id, error))
    session.flush()
    return claimed


def record_attempt(
    session: Session, message_id: int, error: Exception | None, max_attempts: int
) -> None:
    outbox_message = session.get_one(OutboxMessage, message_id)
    outbox_message.attempts += 1
    if error is None:
        outbox_message.sent_at = utcnow()
        return
    outbox_message.last_error = str(error)[:1000]
    delay = retry_delay(outbox_message.attempts)
    if outbox_message.attempts >= max_attempts:
        log.error("mail %s still failing after %s attempts", message_id, max_attempts)
        delay = timedelta(hours=24)
    outbox_message.next_attempt_at = utcnow() + delay


def send_due_messages(
    sessions: sessionmaker[Session],
    sender: str,
    transport: Transport,
    max_attempts: int,
    limit: int = 100,
) -> tuple[int, int]:
    """Send what is due; return (sent, failed).

    No transaction stays open while the mail server is talked to: on SQLite that would hold
    the database's single write lock and stall every request for as long as SMTP is slow.
    """
    with sessions.begin() as session:
        claimed = claim_due_messages(session, sender, limit)
    sent = failed = 0
    for message_id, message in claimed:
        error = message if isinstance(message, ValueError) else _send(transport, message)
        with sessions.begin() as session:
            record_attempt(session, message_id, error, max_attempts)
        if error is None:
            sent += 1
        else:
            failed += 1
    return sent, failed


def _send(transport: Transport, message: EmailMessage) -> Exception | None:
    try:
        transport(message)
    except SEND_ERRORS as error:
        return error
    return None
