from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import Base, utcnow


class ReviewCycle(Base):
    """A review period: nominations belong to one, and closing it freezes everyone's packet."""

    __tablename__ = "review_cycles"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        Index("ix_review_cycles_dates", "starts_on", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewPacket(Base):
    """A packet frozen when its cycle closed, so later edits cannot change a finished review."""

    __tablename__ = "review_packets"
    __table_args__ = (UniqueConstraint("cycle_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycles.id", ondelete="RESTRICT"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    frozen_at: Mapped[datetime] = mapped_column(default=utcnow)
