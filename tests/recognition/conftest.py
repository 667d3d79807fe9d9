"""An organisation, an award catalogue and an open review cycle for recognition tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.core.db import utcnow
from portal.recognition.models import ApprovalPath, Award, AwardTier
from portal.recognition.services.nominating import NominationRequest
from portal.reviews.models import ReviewCycle
from tests.conftest import UserFactory


@dataclass
class Org:
    director: User
    manager: User
    employee: User
    colleague: User
    other_manager: User
    outsider: User


@pytest.fixture
def org(make_user: UserFactory) -> Org:
    director = make_user("director@example.com", role=Role.MANAGER, name="Dana Director")
    manager = make_user(
        "manager@example.com", role=Role.MANAGER, manager=director, name="Morgan Manager"
    )
    employee = make_user("employee@example.com", manager=manager, name="Emery Employee")
    colleague = make_user("colleague@example.com", manager=manager, name="Casey Colleague")
    other_manager = make_user(
        "other.manager@example.com", role=Role.MANAGER, manager=director, name="Olive Other"
    )
    outsider = make_user("outsider@example.com", manager=other_manager, name="Oscar Outsider")
    return Org(director, manager, employee, colleague, other_manager, outsider)


def add_award(
    db: Session,
    name: str,
    tier: AwardTier = AwardTier.SPOT,
    points: int = 25,
    path: ApprovalPath = ApprovalPath.MANAGER,
    committee: list[User] | None = None,
) -> Award:
    award = Award(name=name, description="", tier=tier, points=points, approval_path=path)
    award.committee = committee or []
    db.add(award)
    db.commit()
    return award


@pytest.fixture
def spot(db: Session) -> Award:
    return add_award(db, "Customer Hero")


@pytest.fixture
def quarterly(db: Session) -> Award:
    return add_award(db, "Service Star", AwardTier.QUARTERLY, 100, ApprovalPath.MANAGER_THEN_SKIP)


@pytest.fixture
def cycle(db: Session) -> ReviewCycle:
    today = utcnow().date()
    cycle = ReviewCycle(
        name="Current", starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=30)
    )
    db.add(cycle)
    db.commit()
    return cycle


def request_for(
    colleague: User | str, award: Award, traits: list[str] | None = None, **extra
) -> NominationRequest:
    email = colleague if isinstance(colleague, str) else colleague.email
    return NominationRequest(
        colleague_email=email,
        award_id=award.id,
        traits=["patience"] if traits is None else traits,
        citation=extra.pop("citation", "Stayed on the line until the claim was sorted."),
        **extra,
    )
