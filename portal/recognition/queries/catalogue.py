"""The award catalogue as pages list it, and colleagues to nominate."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.recognition.models import Award


def list_awards(session: Session, *, active_only: bool = False) -> list[Award]:
    query = select(Award).order_by(Award.tier, Award.name)
    if active_only:
        query = query.where(Award.active.is_(True))
    return list(session.scalars(query))


def list_colleagues(session: Session, search: str, limit: int = 8) -> list[User]:
    """Active people whose name or email starts a word with the text, for autocomplete."""
    text = search.strip().lower().replace("\\", "").replace("%", "").replace("_", "")
    if len(text) < 2:
        return []
    pattern = f"%{text}%"
    return list(
        session.scalars(
            select(User)
            .where(
                User.active.is_(True),
                func.lower(User.display_name).like(pattern) | User.email.like(pattern),
            )
            .order_by(User.display_name, User.id)
            .limit(limit)
        )
    )
