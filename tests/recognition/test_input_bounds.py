"""Numbers in recognition forms: award choices, versions and points are bounded whole numbers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.core.errors import DomainError
from portal.recognition.models import ApprovalPath, Award, AwardTier, Nomination, NominationStatus
from portal.recognition.rules import MAX_AWARD_POINTS
from portal.recognition.services.awards import AwardDetails, create_award
from tests.recognition.conftest import Org
from tests.recognition.test_views import form, submit

NOT_NUMBERS = ["²", "\uff11", "1e5", "-0", "9" * 20]


@pytest.mark.parametrize("typed", NOT_NUMBERS)
def test_an_award_that_is_no_option_is_refused_beside_the_field(
    login_as, db, org: Org, spot, cycle, typed: str
) -> None:
    response = login_as(org.employee).post(
        "/recognition/nominate", data={**form("colleague@example.com", spot.id), "award": typed}
    )
    page = response.get_data(as_text=True)
    assert 'id="award-error">Choose an award from the list.' in page
    assert 'value="colleague@example.com"' in page
    assert db.scalar(select(func.count()).select_from(Nomination)) == 0


@pytest.mark.parametrize("typed", NOT_NUMBERS)
@pytest.mark.parametrize("name", ["version", "lower_award"])
def test_a_decision_with_a_number_that_is_none_is_refused(
    login_as, db, org: Org, spot, cycle, name: str, typed: str
) -> None:
    nomination = submit(db, org.employee, org.colleague, spot)
    data = {"version": "1", "decision": "approve_lower", "lower_award": str(spot.id)}
    response = login_as(org.manager).post(
        f"/recognition/approvals/{nomination.id}", data=data | {name: typed}
    )
    assert response.status_code == 422
    assert "That decision could not be read." in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Nomination, nomination.id).status is NominationStatus.PENDING


@pytest.mark.parametrize("typed", NOT_NUMBERS)
def test_a_withdrawal_with_a_version_that_is_none_is_refused(
    login_as, db, org: Org, spot, cycle, typed: str
) -> None:
    nomination = submit(db, org.employee, org.colleague, spot)
    response = login_as(org.employee).post(
        f"/recognition/nominations/{nomination.id}/withdraw", data={"version": typed}
    )
    assert response.status_code == 422
    db.expire_all()
    assert db.get(Nomination, nomination.id).status is NominationStatus.PENDING


AWARD = {"name": "Kindness", "tier": "spot", "approval_path": "manager"}


@pytest.mark.parametrize("typed", [*NOT_NUMBERS, "-3", str(MAX_AWARD_POINTS + 1)])
def test_points_are_a_bounded_whole_number(login_as, db, admin, typed: str) -> None:
    response = login_as(admin).post("/admin/awards/new", data=AWARD | {"points": typed})
    page = response.get_data(as_text=True)
    assert f'id="points-error">Points are a whole number from 0 to {MAX_AWARD_POINTS}.' in page
    assert f'value="{typed}"' in page
    assert db.scalar(select(func.count()).select_from(Award)) == 0


def test_the_most_points_an_award_can_carry(login_as, db, admin) -> None:
    points = str(MAX_AWARD_POINTS)
    response = login_as(admin).post("/admin/awards/new", data=AWARD | {"points": points})
    assert response.status_code == 303
    assert db.scalars(select(Award.points)).one() == MAX_AWARD_POINTS


def test_the_service_refuses_more_points(db, admin) -> None:
    details = AwardDetails(
        "Huge", "", AwardTier.SPOT, MAX_AWARD_POINTS + 1, ApprovalPath.MANAGER, []
    )
    with pytest.raises(DomainError, match="Points can be at most 100000") as caught:
        create_award(db, admin, details)
    assert caught.value.field == "points"
