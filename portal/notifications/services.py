"""In-app notifications, with email now, in a daily digest, or not at all, as each person chose."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from portal.accounts.models import Delivery, User
from portal.core.db import utcnow
from portal.core.errors import NotFound
from portal.core.mail import enqueue_email, enqueue_emails
from portal.notifications.models import Notification

NOTIFICATIONS = cast(Table, Notification.__table__)


def notify(
    session: Session,
    recipient_ids: Iterable[int],
    message: str,
    link: str,
    *,
    base_url: str,
    actor_id: int | None = None,
) -> int:
    """Tell these people (never the actor themself); returns how many were told."""
    ids = {user_id for user_id in recipient_ids if user_id != actor_id}
    if not ids:
        return 0
    recipients = session.execute(
        select(User.id, User.email, User.notification_delivery).where(
            User.id.in_(ids), User.active.is_(True)
        )
    ).all()
    now = utcnow()
    if not recipients:
        return 0
    # One INSERT per table whatever the number of people (an idea can have thousands of
    # followers). Only a digest reader's notifications wait for email (emailed_at empty):
    # someone who chose no email and later switches to the digest is not sent old news.
    # The table's INSERT, not the ORM's: the ORM splits rows whose emailed_at is empty into
    # their own INSERT, so the count of statements would follow the order of the rows.
    session.execute(
        insert(NOTIFICATIONS),
        [
            {
                "user_id": user_id,
                "message": message[:500],
                "link": link[:500],
                "created_at": now,
                "emailed_at": None if delivery is Delivery.DAILY else now,
            }
            for user_id, _email, delivery in recipients
        ],
    )
    body = f"{message}\n\n{base_url.rstrip('/')}{link}\n"
    enqueue_emails(
        session,
        [
            (email, message[:200], body)
            for _user_id, email, delivery in recipients
            if delivery is Delivery.IMMEDIATE
        ],
    )
    session.flush()
    return len(recipients)


def mark_read(session: Session, user: User, notification_id: int) -> Notification:
    """Mark a notification read, with the earlier ones grouped with it (same link)."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound("That notification does not exist.")
    same = Notification.id == notification.id
    if notification.link:
        same = same | (Notification.link == notification.link)
    session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None), same)
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return notification


def mark_all_read(session: Session, user: User) -> None:
    session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def set_delivery(session: Session, user: User, delivery: Delivery) -> None:
    user.notification_delivery = delivery
    session.flush()


def send_daily_digests(session: Session, base_url: str) -> int:
    """One email per person who chose the daily digest and has news; returns emails queued."""
    rows = session.execute(
        select(Notification, User.email)
        .join(User, Notification.user_id == User.id)
        .where(
            Notification.emailed_at.is_(None),
            User.notification_delivery == Delivery.DAILY,
            User.active.is_(True),
        )
        .order_by(Notification.user_id, Notification.id)
    ).all()
    by_email: dict[str, list[Notification]] = defaultdict(list)
    for notification, email in rows:
        by_email[email].append(notification)
    now = utcnow()
    for email, notifications in by_email.items():
        lines = [f"- {item.message}\n  {base_url.rstrip('/')}{item.link}" for item in notifications]
        enqueue_email(
            session, email, f"Your daily portal digest ({len(notifications)} new)", "\n".join(lines)
        )
        for item in notifications:
            item.emailed_at = now
    session.flush()
    return len(by_email)


def clear_notifications(session: Session, link: str) -> None:
    """Mark everyone's unread notifications that point at `link` as read: what they asked for
    was answered (another approver decided the step)."""
    session.execute(
        update(Notification)
        .where(Notification.link == link, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
