"""Categories: the admins' list that every idea is filed under."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.audit import record_audit
from portal.core.db import insert_or_refuse
from portal.core.errors import DomainError, Forbidden, NotFound
from portal.ideas.models import Category


def _check_admin(actor: User) -> None:
    if not actor.is_admin:
        raise Forbidden("Only admins manage categories.")


def add_category(session: Session, actor: User, name: str) -> Category:
    _check_admin(actor)
    name = " ".join(name.split())
    if not 2 <= len(name) <= 80:
        raise DomainError("Give the category a name of 2 to 80 characters.", field="name")
    category = Category(name=name)
    # The unique name decides, even when two admins add the same one at once.
    insert_or_refuse(session, category, DomainError("That category already exists.", field="name"))
    record_audit(session, "category_added", actor_id=actor.id, target=f"category:{category.id}")
    return category


def set_category_active(session: Session, actor: User, category_id: int, active: bool) -> Category:
    """Retired categories keep their ideas but are no longer offered for new ones."""
    _check_admin(actor)
    category = session.get(Category, category_id)
    if category is None:
        raise NotFound("That category does not exist.")
    category.active = active
    session.flush()
    record_audit(
        session,
        "category_restored" if active else "category_retired",
        actor_id=actor.id,
        target=f"category:{category.id}",
    )
    return category
