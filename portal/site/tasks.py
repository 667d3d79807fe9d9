"""Periodic tasks on the job queue: the outbox sender and the daily digests.

Each holds a lock (a lease row in `jobs`) so two workers never run it at once; a worker killed
while holding it only delays the next run until the lease expires. The `flask outbox send` and
`flask notifications digest` commands still do the same work for cron users.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from huey import crontab

from portal.core.db import get_database
from portal.core.jobs import exclusive, job_app_context, queue, worker_setting
from portal.core.mail import send_due_messages, transport_for
from portal.notifications.services import send_daily_digests

OUTBOX_BATCH = 100


def send_outbox() -> tuple[int, int]:
    """Send everything due now, a hundred at a time; returns (sent, failed)."""
    config = current_app.config
    transport = transport_for(current_app)
    sent = failed = 0
    while True:
        batch_sent, batch_failed = send_due_messages(
            get_database().write_sessions,
            config["MAIL_FROM"],
            transport,
            config["MAIL_MAX_ATTEMPTS"],
            limit=OUTBOX_BATCH,
        )
        sent, failed = sent + batch_sent, failed + batch_failed
        if batch_sent + batch_failed < OUTBOX_BATCH:
            return sent, failed


def queue_daily_digests() -> int:
    with get_database().session_scope() as session:
        return send_daily_digests(session, current_app.config["BASE_URL"])


@queue.periodic_task(crontab(minute="*"), retries=2, retry_delay=20, name="send_outbox")
def send_outbox_task() -> None:
    with job_app_context(), exclusive(get_database(), "send_outbox") as held:
        if held:
            send_outbox()


def digest_time(moment: datetime) -> bool:
    """On the hour PORTAL_DIGEST_HOUR (UTC), once a day."""
    return moment.minute == 0 and moment.hour == worker_setting("DIGEST_HOUR", 7)


@queue.periodic_task(digest_time, retries=3, retry_delay=300, name="daily_digests")
def daily_digests_task() -> None:
    with job_app_context(), exclusive(get_database(), "daily_digests") as held:
        if held:
            queue_daily_digests()
