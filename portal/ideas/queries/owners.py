"""People a reviewer may name as an idea's owner: the type-ahead of the review form."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from portal.accounts.models import User

OWNER_CHOICES = 8


@dataclass(frozen=True)
class OwnerChoice:
    email: str
    display_name: str
    job_title: str


def _like(typed: str) -> str:
    escaped = typed.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_owner_choices(session: Session, typed: str) -> list[OwnerChoice]:
    """Active people whose name or email holds what was typed, at most eight, in one
    statement; nothing for fewer than two characters."""
    if len(typed.strip()) < 2:
        return []
    pattern = _like(typed[:100])
    rows = session.execute(
        select(User.email, User.display_name, User.job_title)
        .where(
            User.active.is_(True),
            or_(
                func.lower(User.display_name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
            ),
        )
        .order_by(User.display_name, User.id)
        .limit(OWNER_CHOICES)
    )
    return [OwnerChoice(**row._mapping) for row in rows]
