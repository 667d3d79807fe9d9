"""A manager change from the directory re-routes open nominations, audited with the token."""

from __future__ import annotations

from datetime import timedelta

import httpx2
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Role
from portal.core.audit import AuditEntry
from portal.core.db import utcnow
from portal.recognition.models import ApprovalStep, Award, StepRoute
from portal.recognition.services.nominating import NominationRequest, nominate
from portal.reviews.models import ReviewCycle
from portal.reviews.queries import get_open_cycle
from tests.conftest import UserFactory

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def test_a_new_manager_from_the_directory_takes_over_open_nominations(
    http: httpx2.Client, db: Session, make_user: UserFactory
) -> None:
    old = make_user("old.boss@example.com", role=Role.MANAGER, name="Otto Old")
    new = make_user("new.boss@example.com", role=Role.MANAGER, name="Nina New")
    nominee = make_user("nominee@example.com", manager=old)
    nominator = make_user("peer@example.com", manager=old)
    today = utcnow().date()
    db.add(ReviewCycle(name="Now", starts_on=today - timedelta(days=1), ends_on=today))
    award = Award(name="Customer Hero", description="", tier="spot", points=10)
    db.add(award)
    db.commit()
    request = NominationRequest(nominee.email, award.id, ["patience"], "Calmed a caller.")
    [nomination] = nominate(
        db, nominator, request, get_open_cycle(db), monthly_limit=10, base_url="http://x"
    )
    db.commit()
    nomination_id, nominee_id, new_id = nomination.id, nominee.id, new.id

    response = http.patch(
        f"/Users/{nominee_id}",
        json={
            "schemas": [PATCH],
            "Operations": [{"op": "Replace", "path": f"{ENTERPRISE}:manager", "value": new.email}],
        },
    )

    assert response.status_code == 200, response.text
    db.expire_all()
    step = db.scalars(select(ApprovalStep).where(ApprovalStep.nomination_id == nomination_id)).one()
    assert (step.approver_id, step.route) == (new_id, StepRoute.REPORTING_LINE)
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "nomination_rerouted")).one()
    assert "Otto Old → Nina New" in entry.detail and "SCIM token Okta" in entry.detail
