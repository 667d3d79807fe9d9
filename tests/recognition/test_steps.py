"""Multi-step approvals say where they are: confirmations, step numbers, whom a nomination waits
for, and notifications that speak to the reader and are cleared once a step is decided."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.notifications.models import Notification
from portal.recognition.models import ApprovalPath, AwardTier
from tests.conftest import login
from tests.recognition.conftest import Org, add_award
from tests.recognition.test_views import submit


def as_(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 303
    return client


def csrf_free_post(client, url: str, **data):
    return client.post(url, data=data, follow_redirects=True)


def unread(db: Session, user_id: int) -> list[str]:
    messages = list(
        db.scalars(
            select(Notification.message).where(
                Notification.user_id == user_id, Notification.read_at.is_(None)
            )
        )
    )
    db.commit()  # end the read, so the next request may write
    return messages


def test_a_two_step_approval_names_the_next_step_everywhere(app, db, org: Org, quarterly, cycle):
    nomination = submit(db, org.employee, org.colleague, quarterly)
    assert unread(db, org.manager.id) == [
        "Emery Employee nominated Casey Colleague for Service Star: it is waiting for your "
        "decision (step 1 of 2)."
    ]
    manager = as_(app, org.manager)
    card = manager.get("/recognition/approvals").get_data(as_text=True)
    assert "Approval step 1 of 2" in card
    # Service Star is the lowest tier on offer here: no empty lower-tier choice.
    assert "Lower-tier award" not in card and "Approve at a lower tier" not in card

    page = csrf_free_post(
        manager, f"/recognition/approvals/{nomination.id}", version="1", decision="approve"
    ).get_data(as_text=True)
    assert "Approved at your step; now with Dana Director." in page
    assert unread(db, org.manager.id) == []
    assert unread(db, org.employee.id) == [
        "Morgan Manager approved your nomination of Casey Colleague; now with Dana Director."
    ]
    mine = as_(app, org.employee).get("/recognition/mine").get_data(as_text=True)
    assert "Waiting for Dana Director" in mine

    director = as_(app, org.director)
    assert "Approval step 2 of 2" in director.get("/recognition/approvals").get_data(as_text=True)
    page = csrf_free_post(
        director, f"/recognition/approvals/{nomination.id}", version="2", decision="approve"
    ).get_data(as_text=True)
    assert "Approved: Casey Colleague receives Service Star." in page
    assert "You received Service Star from Emery Employee." in unread(db, org.colleague.id)
    assert (
        "Dana Director approved your nomination of Casey Colleague: Casey Colleague received "
        "Service Star." in unread(db, org.employee.id)
    )
    assert "Casey Colleague received Service Star from Emery Employee." in unread(
        db, org.manager.id
    )


def test_a_committee_step_waits_for_the_awards_committee(app, db, org: Org, cycle, make_user):
    member = make_user("member@example.com", name="Cora Committee")
    other = make_user("member2@example.com", name="Cy Committee")
    annual = add_award(
        db, "Gold", AwardTier.ANNUAL, 500, ApprovalPath.COMMITTEE, committee=[member, other]
    )
    spot = add_award(db, "Thanks", AwardTier.SPOT, 10)
    nomination = submit(db, org.employee, org.colleague, annual)
    manager = as_(app, org.manager)
    card = manager.get("/recognition/approvals").get_data(as_text=True)
    assert "Lower-tier award" in card and f'value="{spot.id}"' in card
    page = csrf_free_post(
        manager, f"/recognition/approvals/{nomination.id}", version="1", decision="approve"
    ).get_data(as_text=True)
    assert "now with the awards committee" in page
    mine = as_(app, org.employee).get("/recognition/mine").get_data(as_text=True)
    assert "Waiting for the awards committee" in mine
    # Either member may decide; once one has, the other's request is cleared.
    assert len(unread(db, member.id)) == 1 and len(unread(db, other.id)) == 1
    csrf_free_post(
        as_(app, member), f"/recognition/approvals/{nomination.id}", version="2", decision="approve"
    )
    assert unread(db, other.id) == []
