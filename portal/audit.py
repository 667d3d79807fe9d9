"""The audit log: who did what to what, from where and when. Rows are never changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, literal, select, tuple_
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.accounts.models import User
from portal.db import Base, UTCDateTime, utcnow
from portal.pagination import Page, decode_timestamp_cursor, page_from_rows
from portal.text import clean_text


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_created_at_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(255), default="")
    detail: Mapped[str] = mapped_column(String(1000), default="")
    ip: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def record_audit(
    session: Session,
    action: str,
    *,
    actor_id: int | None,
    target: str = "",
    detail: str = "",
) -> AuditEntry:
    """Append an audit row; the address comes from the request that opened the session.

    Targets often quote the request's path, which no form cleaning has touched.
    """
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        target=clean_text(target)[:255],
        detail=clean_text(detail)[:1000],
        ip=session.info.get("ip"),
    )
    session.add(entry)
    return entry


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
