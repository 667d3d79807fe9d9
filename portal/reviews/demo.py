"""Demo data for reviews: the current half-year as the open review cycle."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from portal.core.db import utcnow
from portal.reviews.models import ReviewCycle


def current_half_year(today: date) -> tuple[str, date, date]:
    if today.month <= 6:
        return f"H1 {today.year}", date(today.year, 1, 1), date(today.year, 6, 30)
    return f"H2 {today.year}", date(today.year, 7, 1), date(today.year, 12, 31)


def load_review_demo(session: Session) -> None:
    name, starts_on, ends_on = current_half_year(utcnow().date())
    session.add(ReviewCycle(name=name, starts_on=starts_on, ends_on=ends_on))
    session.flush()
