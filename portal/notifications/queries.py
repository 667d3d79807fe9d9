from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.core.pagination import Page, beyond, decode_cursor, page_from_rows
from portal.notifications.models import Notification


def list_notifications(
    session: Session, user_id: int, *, cursor: str | None, limit: int
) -> Page[Notification]:
    """Newest first, one statement a page."""
    query = (
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.id.desc())
        .limit(limit + 1)
    )
    key = decode_cursor(cursor, 1, (int,))
    if key is not None:
        query = query.where(beyond([Notification.id], key, descending=True))
    return page_from_rows(list(session.scalars(query)), limit, lambda item: (item.id,))
