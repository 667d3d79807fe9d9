"""What several use cases share: finding the idea they act on, and writes that let the
database settle a race."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.db import Base
from portal.core.errors import DomainError, NotFound
from portal.ideas.models import Idea

T = TypeVar("T")


def find_idea(session: Session, idea_id: int, *, for_update: bool = False) -> Idea:
    query = select(Idea).where(Idea.id == idea_id)
    if for_update:
        # Re-read under the lock even if this session already holds the row.
        query = query.with_for_update().execution_options(populate_existing=True)
    idea = session.scalars(query).one_or_none()
    if idea is None:
        raise NotFound("That idea does not exist.")
    return idea


def find_visible_idea(
    session: Session, actor: User, idea_id: int, *, for_update: bool = False
) -> Idea:
    """The idea, unless it is someone else's draft (which, to them, does not exist)."""
    idea = find_idea(session, idea_id, for_update=for_update)
    if idea.hidden_from(actor.id):
        raise NotFound("That idea does not exist.")
    return idea


def insert_ignoring_duplicates(
    session: Session, model: type[Base], rows: list[dict[str, Any]]
) -> int:
    """Insert rows whose primary key is new; returns how many really went in."""
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    key = inspect(model).primary_key
    # RETURNING lists only the rows really inserted; rowcount is not reliable on every driver.
    statement = dialect.insert(model).values(rows).on_conflict_do_nothing().returning(*key)
    return len(session.execute(statement).all())


def given(value: T | None, message: str, field: str) -> T:
    """The value, or a refusal beside its field when it was left out."""
    if value is None:
        raise DomainError(message, field=field)
    return value
