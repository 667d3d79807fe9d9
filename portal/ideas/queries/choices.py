"""The lists the idea forms offer: categories, departments, the campaigns open to a person."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.accounts.models import Department, User
from portal.core.db import utcnow
from portal.ideas.models import Campaign, Category


def list_categories(session: Session, *, include_retired: bool = False) -> list[Category]:
    query = select(Category).order_by(Category.name)
    if not include_retired:
        query = query.where(Category.active)
    return list(session.scalars(query))


def list_departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.name)))


def list_open_campaigns(session: Session, user: User) -> list[Campaign]:
    """Campaigns this person can submit to today."""
    today = utcnow().date()
    return list(
        session.scalars(
            select(Campaign)
            .where(
                Campaign.starts_on <= today,
                Campaign.ends_on >= today,
                or_(Campaign.department_id.is_(None), Campaign.department_id == user.department_id),
            )
            .order_by(Campaign.ends_on, Campaign.id)
        )
    )
