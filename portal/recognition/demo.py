"""Demo data for recognition: a customer-service award catalogue."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.recognition.models import ApprovalPath, Award, AwardTier

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


def load_recognition_demo(session: Session) -> None:
    committee = list(session.scalars(select(User).where(User.email.in_(COMMITTEE_EMAILS))))
    for name, description, tier, points, path in CATALOGUE:
        award = Award(
            name=name, description=description, tier=tier, points=points, approval_path=path
        )
        if path is ApprovalPath.COMMITTEE:
            award.committee = committee
        session.add(award)
    session.flush()
