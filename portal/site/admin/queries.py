"""What the admin pages read across domains: the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from portal.accounts.models import User
from portal.core.audit import AuditEntry
from portal.core.pagination import Page, beyond, decode_timestamp_cursor, page_from_rows


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    actor_name: str | None


def list_audit_entries(session: Session, *, cursor: str | None, limit: int) -> Page[AuditRow]:
    """Newest first, one statement a page."""
    entry = aliased(AuditEntry, name="entry")
    query = (
        select(entry, User.display_name.label("actor_name"))
        .outerjoin(User, entry.actor_id == User.id)
        .order_by(entry.created_at.desc(), entry.id.desc())
        .limit(limit + 1)
    )
    key = decode_timestamp_cursor(cursor)
    if key is not None:
        query = query.where(beyond([entry.created_at, entry.id], key, descending=True))
    rows = [AuditRow(**row._mapping) for row in session.execute(query)]
    return page_from_rows(rows, limit, lambda row: (row.entry.created_at.isoformat(), row.entry.id))
