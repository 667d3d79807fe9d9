"""Demo data for recognition: a customer-service award catalogue and the review cycles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.db import utcnow
from portal.recognition.models import ApprovalPath, Award, AwardTier
from portal.reviews.models import ReviewCycle


@dataclass(frozen=True)
class DemoAward:
    name: str
    description: str
    tier: AwardTier
    points: int
    path: ApprovalPath


CATALOGUE = [
    DemoAward(
        "Customer Hero",
        "Went out of their way to solve a customer's problem on the spot.",
        AwardTier.SPOT,
        25,
        ApprovalPath.MANAGER,
    ),
    DemoAward(
        "Calm in the Storm",
        "Kept their composure and kindness with an upset customer.",
        AwardTier.SPOT,
        25,
        ApprovalPath.MANAGER,
    ),
    DemoAward(
        "Listening Ear",
        "Really heard what the customer needed and acted on it.",
        AwardTier.SPOT,
        20,
        ApprovalPath.MANAGER,
    ),
    DemoAward(
        "Service Star of the Quarter",
        "Consistently excellent service across a whole quarter.",
        AwardTier.QUARTERLY,
        100,
        ApprovalPath.MANAGER_THEN_SKIP,
    ),
    DemoAward(
        "Member Advocate of the Year",
        "A year of championing members, recognised by the awards committee.",
        AwardTier.ANNUAL,
        500,
        ApprovalPath.COMMITTEE,
    ),
]
COMMITTEE_EMAILS = ["director@example.com", "admin@example.com"]


def half_years(first_day: date, last_day: date) -> list[tuple[str, date, date]]:
    """The review cycles (name, first day, last day) from the one holding `first_day` to the
    one holding `last_day`: halves of the calendar year."""
    cycles = []
    year, half = first_day.year, 1 if first_day.month <= 6 else 2
    while date(year, 1 if half == 1 else 7, 1) <= last_day:
        starts = date(year, 1 if half == 1 else 7, 1)
        ends = date(year, 6, 30) if half == 1 else date(year, 12, 31)
        cycles.append((f"H{half} {year}", starts, ends))
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    return cycles


@dataclass(frozen=True)
class DemoCycles:
    earlier: ReviewCycle  # last half-year's, which the demo closes
    current: ReviewCycle


def load_recognition_demo(session: Session) -> DemoCycles:
    """The award catalogue, last half-year's review cycle and the current one."""
    committee = list(session.scalars(select(User).where(User.email.in_(COMMITTEE_EMAILS))))
    for demo in CATALOGUE:
        award = Award(
            name=demo.name,
            description=demo.description,
            tier=demo.tier,
            points=demo.points,
            approval_path=demo.path,
        )
        if demo.path is ApprovalPath.COMMITTEE:
            award.committee = committee
        session.add(award)
    today = utcnow().date()
    [(name, starts_on, ends_on)] = half_years(today, today)
    current = ReviewCycle(name=name, starts_on=starts_on, ends_on=ends_on)
    before = starts_on - timedelta(days=1)
    [(name, starts_on, ends_on)] = half_years(before, before)
    earlier = ReviewCycle(name=name, starts_on=starts_on, ends_on=ends_on)
    session.add_all([earlier, current])
    session.flush()
    return DemoCycles(earlier, current)
