"""The notifications list: one entry per thing it points at, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, String, cast, func, select
from sqlalchemy.orm import Session

from portal.core.pagination import Page, decode_cursor, page_from_rows
from portal.notifications.models import Notification


@dataclass(frozen=True)
class NotificationEntry:
    """The latest notification about one link, and how many came before it."""

    id: int
    message: str
    link: str
    created_at: datetime
    unread: bool
    earlier: int


def group_key() -> ColumnElement[str]:
    """Notifications that point at the same place group together (the status changes of one
    idea, the steps of one nomination); one without a link stands alone."""
    return func.coalesce(func.nullif(Notification.link, ""), cast(Notification.id, String))


def list_notifications(
    session: Session, user_id: int, *, cursor: str | None, limit: int
) -> Page[NotificationEntry]:
    """Newest first, one entry per link with the latest text, unread while any of its
    notifications is: one statement a page."""
    latest_id = func.max(Notification.id)
    groups = (
        select(
            latest_id.label("latest_id"),
            func.count().label("total"),
            (func.count() - func.count(Notification.read_at)).label("unread"),
        )
        .where(Notification.user_id == user_id)
        .group_by(group_key())
    )
    key = decode_cursor(cursor, 1, (int,))
    if key is not None:
        groups = groups.having(latest_id < key[0])
    grouped = groups.subquery()
    rows = session.execute(
        select(
            Notification.id,
            Notification.message,
            Notification.link,
            Notification.created_at,
            grouped.c.total,
            grouped.c.unread,
        )
        .join(grouped, grouped.c.latest_id == Notification.id)
        .order_by(Notification.id.desc())
        .limit(limit + 1)
    )
    entries = [
        NotificationEntry(
            id=row.id,
            message=row.message,
            link=row.link,
            created_at=row.created_at,
            unread=row.unread > 0,
            earlier=row.total - 1,
        )
        for row in rows
    ]
    return page_from_rows(entries, limit, lambda entry: (entry.id,))
