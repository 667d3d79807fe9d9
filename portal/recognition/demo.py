"""Demo data for recognition: a customer-service award catalogue and the current review cycle."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.db import utcnow
from portal.recognition.models import ApprovalPath, Award, AwardTier, ReviewCycle

CATALOGUE = [
    (
        "Customer Hero",
        "Went out of their way to solve a customer's problem on the spot.",
        AwardTier.SPOT,
        25,
        ApprovalPath.MANAGER,
    ),
    (
        "Calm in the Storm",
        "Kept their composure and kindness with an upset customer.",
        AwardTier.SPOT,
        25,
        ApprovalPath.MANAGER,
    ),
    (
        "Listening Ear",
        "Really heard what the customer needed and acted on it.",
        AwardTier.SPOT,
        20,
        ApprovalPath.MANAGER,
    ),
    (
        "Service Star of the Quarter",
        "Consistently excellent service across a whole quarter.",
        AwardTier.QUARTERLY,
        100,
        ApprovalPath.MANAGER_THEN_SKIP,
    ),
    (
        "Member Advocate of the Year",
        "A year of championing members, recognised by the awards committee.",
        AwardTier.ANNUAL,
        500,
        ApprovalPath.COMMITTEE,
    ),
]
COMMITTEE_EMAILS = ["director@example.com", "admin@example.com"]


def current_half_year(today: date) -> tuple[str, date, date]:
    if today.month <= 6:
        return f"H1 {today.year}", date(today.year, 1, 1), date(today.year, 6, 30)
    return f"H2 {today.year}", date(today.year, 7, 1), date(today.year, 12, 31)


def load_recognition_demo(session: Session) -> None:
    committee = list(session.scalars(select(User).where(User.email.in_(COMMITTEE_EMAILS))))
    for name, description, tier, points, path in CATALOGUE:
        award = Award(
            name=name, description=description, tier=tier, points=points, approval_path=path
        )
        if path is ApprovalPath.COMMITTEE:
            award.committee = committee
        session.add(award)
    name, starts_on, ends_on = current_half_year(utcnow().date())
    session.add(ReviewCycle(name=name, starts_on=starts_on, ends_on=ends_on))
    session.flush()
