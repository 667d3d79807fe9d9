"""The audit log: who did what to what, from where and when. Rows are never changed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.core.db import AppendOnly, Base, utcnow
from portal.core.text import clean_text


class AuditEntry(AppendOnly, Base):
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
