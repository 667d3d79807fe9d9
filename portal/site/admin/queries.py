"""What the admin pages read across domains: the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import literal, select, tuple_
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.audit import AuditEntry
from portal.core.db import UTCDateTime
from portal.core.pagination import Page, decode_timestamp_cursor, page_from_rows


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    actor_name: str | None


def list_audit_entries(session: Session, *, cursor: str | None, limit: int) -> Page[AuditRow]:
    """Newest first, one statement a page."""
    query = (
        select(AuditEntry, User.display_name)
        .outerjoin(User, AuditEntry.actor_id == User.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(limit + 1)
    )
    key = decode_timestamp_cursor(cursor)
    if key is not None:
        created_at, entry_id = key
        query = query.where(
            tuple_(AuditEntry.created_at, AuditEntry.id)
            < tuple_(literal(created_at, UTCDateTime()), literal(entry_id))
        )
    rows = [AuditRow(entry, actor_name) for entry, actor_name in session.execute(query)]
    return page_from_rows(rows, limit, lambda row: (row.entry.created_at.isoformat(), row.entry.id))
