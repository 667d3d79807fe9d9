"""Deciding nominations: each action, points, notifications, flags and concurrent approvers."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Role
from portal.core.db import ImmutableRowError
from portal.core.errors import DomainError, Forbidden
from portal.notifications.models import Notification
from portal.recognition.models import (
    ApprovalStep,
    AwardTier,
    FlagKind,
    FlagResolution,
    IntegrityFlag,
    Nomination,
    NominationEvent,
    NominationStatus,
    PointsLedgerEntry,
)
from portal.recognition.services.deciding import (
    Decision,
    decide_nomination,
    resubmit_nomination,
    withdraw_nomination,
)
from portal.recognition.services.integrity import resolve_flags
from portal.recognition.services.nominating import nominate
from portal.recognition.services.state import AlreadyDecided
from portal.reviews.queries import get_open_cycle
from tests.recognition.conftest import Org, add_award, request_for

BASE = "http://portal.test"


def submit(db: Session, actor, colleague, award, **extra) -> Nomination:
    [nomination] = nominate(
        db,
        actor,
        request_for(colleague, award, **extra),
        get_open_cycle(db),
        monthly_limit=50,
        base_url=BASE,
    )
    return nomination


def decide(db: Session, actor, nomination: Nomination, decision=Decision.APPROVE, **options):
    return decide_nomination(
        db, actor, nomination.id, decision, version=nomination.version, base_url=BASE, **options
    )


def actions(db: Session, nomination: Nomination) -> list[tuple[str, str | None, str]]:
    events = db.scalars(
        select(NominationEvent)
        .where(NominationEvent.nomination_id == nomination.id)
        .order_by(NominationEvent.id)
    )
    return [(event.action, event.from_status, event.to_status) for event in events]


def notified(db: Session) -> set[tuple[int, str]]:
    return {(row.user_id, row.message) for row in db.scalars(select(Notification))}


def test_approval_credits_points_and_tells_nominee_nominator_and_manager(db, org: Org, spot, cycle):
    nomination = submit(db, org.employee, org.colleague, spot)
    db.query(Notification).delete()
    decide(db, org.manager, nomination)
    assert nomination.status is NominationStatus.APPROVED
    assert nomination.decided_at is not None
    entry = db.scalars(
        select(PointsLedgerEntry).where(PointsLedgerEntry.nomination_id == nomination.id)
    ).one()
    assert (entry.user_id, entry.points) == (org.colleague.id, 25)
    told = {user_id for user_id, _ in notified(db)}
    # The manager approved it themself, so only the nominee and the nominator hear of it.
    assert told == {org.colleague.id, org.employee.id}
    assert actions(db, nomination)[-1] == ("approved", "pending", "approved")


def test_the_manager_is_told_when_someone_else_approves(db, org: Org, spot, cycle):
    nomination = submit(db, org.manager, org.colleague, spot)  # goes to the director
    decide(db, org.director, nomination)
    told = {user_id for user_id, message in notified(db) if "received" in message}
    assert told == {org.colleague.id, org.manager.id}


def test_two_levels_need_two_approvals(db, org: Org, quarterly, cycle):
    nomination = submit(db, org.employee, org.colleague, quarterly)
    decide(db, org.manager, nomination)
    assert (nomination.status, nomination.current_level) == (NominationStatus.PENDING, 2)
    with pytest.raises(Forbidden):
        decide(db, org.manager, nomination)
    decide(db, org.director, nomination)
    assert nomination.status is NominationStatus.APPROVED
    assert [action for action, *_ in actions(db, nomination)] == [
        "submitted",
        "approved_level",
        "approved",
    ]


def test_someone_outside_the_reporting_line_cannot_decide(db, org: Org, spot, cycle):
    nomination = submit(db, org.employee, org.colleague, spot)
    with pytest.raises(Forbidden):
        decide(db, org.other_manager, nomination)
    assert nomination.status is NominationStatus.PENDING


def test_rejecting_needs_a_reason_the_nominator_sees(db, org: Org, spot, cycle):
    nomination = submit(db, org.employee, org.colleague, spot)
    with pytest.raises(DomainError) as missing:
        decide(db, org.manager, nomination, Decision.REJECT, reason=" ")
    assert missing.value.field == "reason"
    decide(db, org.manager, nomination, Decision.REJECT, reason="Please add the case number")
    assert nomination.status is NominationStatus.REJECTED
    message = (
        "Morgan Manager did not approve your nomination of Casey Colleague: "
        "Please add the case number"
    )
    assert (org.employee.id, message) in (notified(db))
    assert db.scalars(select(PointsLedgerEntry)).all() == []


def test_returned_nominations_can_be_resubmitted(db, org: Org, spot, cycle):
    nomination = submit(db, org.employee, org.colleague, spot)
    decide(db, org.manager, nomination, Decision.RETURN, reason="Which customer?")
    assert nomination.status is NominationStatus.RETURNED
    with pytest.raises(Forbidden):
        resubmit_nomination(
            db, org.colleague, nomination.id, "x", version=nomination.version, base_url=BASE
        )
    resubmit_nomination(
        db,
        org.employee,
        nomination.id,
        "Mrs Smith, case 42",
        version=nomination.version,
        base_url=BASE,
    )
    assert (nomination.status, nomination.citation) == (
        NominationStatus.PENDING,
        "Mrs Smith, case 42",
    )
    decide(db, org.manager, nomination)
    assert nomination.status is NominationStatus.APPROVED


def test_the_nominator_can_withdraw_until_it_is_decided(db, org: Org, spot, quarterly, cycle):
    nomination = submit(db, org.employee, org.colleague, spot)
    with pytest.raises(Forbidden):
        withdraw_nomination(db, org.manager, nomination.id, version=nomination.version)
    withdraw_nomination(db, org.employee, nomination.id, version=nomination.version)
    assert nomination.status is NominationStatus.WITHDRAWN
    with pytest.raises(AlreadyDecided):
        decide(db, org.manager, nomination)
    approved = submit(db, org.employee, org.colleague, quarterly)
    decide(db, org.manager, approved)
    decide(db, org.director, approved)
    with pytest.raises(AlreadyDecided):
        withdraw_nomination(db, org.employee, approved.id, version=approved.version)


def test_approving_at_a_lower_tier_awards_the_lower_award(db, org: Org, spot, quarterly, cycle):
    nomination = submit(db, org.employee, org.colleague, quarterly)
    with pytest.raises(DomainError) as refused:
        decide(db, org.manager, nomination, Decision.APPROVE_LOWER, lower_award_id=quarterly.id)
    assert refused.value.field == "lower_award"
    decide(db, org.manager, nomination, Decision.APPROVE_LOWER, lower_award_id=spot.id)
    assert nomination.status is NominationStatus.APPROVED
    assert nomination.awarded_award_id == spot.id
    assert db.scalars(select(PointsLedgerEntry.points)).one() == 25


def test_a_stale_version_is_already_decided(db, org: Org, spot, cycle):
    nomination = submit(db, org.employee, org.colleague, spot)
    stale = nomination.version
    decide(db, org.manager, nomination, Decision.RETURN, reason="More please")
    with pytest.raises(AlreadyDecided, match="already decided"):
        decide_nomination(
            db, org.manager, nomination.id, Decision.APPROVE, version=stale, base_url=BASE
        )


def test_events_and_points_cannot_be_changed(db, org: Org, spot, cycle):
    nomination = submit(db, org.employee, org.colleague, spot)
    decide(db, org.manager, nomination)
    db.commit()
    event = db.scalars(select(NominationEvent)).first()
    event.note = "rewritten"
    with pytest.raises(ImmutableRowError):
        db.flush()
    db.rollback()
    entry = db.scalars(select(PointsLedgerEntry)).one()
    db.delete(entry)
    with pytest.raises(ImmutableRowError):
        db.flush()


# --- integrity flags -------------------------------------------------------------------------


def flags_of(db: Session, nomination: Nomination) -> list[FlagKind]:
    return list(
        db.scalars(select(IntegrityFlag.kind).where(IntegrityFlag.nomination_id == nomination.id))
    )


def test_reciprocal_nominations_are_held_for_an_admin(db, org: Org, spot, cycle):
    first = submit(db, org.employee, org.colleague, spot)
    back = submit(db, org.colleague, org.employee, spot)
    assert first.status is NominationStatus.PENDING
    assert back.status is NominationStatus.FLAGGED
    assert flags_of(db, back) == [FlagKind.RECIPROCAL]


def test_a_ring_of_three_is_flagged(db, org: Org, spot, cycle):
    submit(db, org.employee, org.colleague, spot)
    submit(db, org.colleague, org.outsider, spot)
    closing = submit(db, org.outsider, org.employee, spot)
    assert closing.status is NominationStatus.FLAGGED
    assert FlagKind.RING in flags_of(db, closing)
    reason = db.scalars(select(IntegrityFlag.reason)).one()
    assert "Casey Colleague" in reason


def test_one_nominator_sending_most_nominations_to_one_person_is_flagged(
    db, org: Org, cycle, make_user
):
    awards = [add_award(db, f"Award {number}") for number in range(5)]
    someone_else = make_user("someone@example.com", manager=org.manager)
    submit(db, org.employee, someone_else, awards[0])
    results = [submit(db, org.employee, org.colleague, award) for award in awards[1:]]
    assert [n.status for n in results[:3]] == [NominationStatus.PENDING] * 3
    assert results[3].status is NominationStatus.FLAGGED
    assert flags_of(db, results[3]) == [FlagKind.CONCENTRATION]


def test_an_approver_approving_someone_who_nominated_them_is_held(db, org: Org, spot, cycle):
    earlier = submit(db, org.colleague, org.manager, spot)  # the colleague nominated the manager
    nomination = submit(db, org.employee, org.colleague, spot)
    decide(db, org.manager, nomination)
    assert nomination.status is NominationStatus.FLAGGED
    assert flags_of(db, nomination) == [FlagKind.APPROVER_NOMINATED_BY_NOMINEE]
    assert db.scalars(select(PointsLedgerEntry)).all() == []
    assert earlier.status is NominationStatus.PENDING


def test_an_admin_clears_a_held_approval_and_the_award_is_granted(
    db, org: Org, spot, cycle, make_user
):
    admin = make_user("admin@example.com", role=Role.ADMIN)
    submit(db, org.colleague, org.manager, spot)
    nomination = submit(db, org.employee, org.colleague, spot)
    decide(db, org.manager, nomination)
    resolve_flags(db, admin, nomination.id, FlagResolution.CLEARED, base_url=BASE)
    assert nomination.status is NominationStatus.APPROVED
    flag = db.scalars(select(IntegrityFlag)).one()
    assert (flag.resolution, flag.resolved_by_id) == (FlagResolution.CLEARED, admin.id)
    assert db.scalars(select(PointsLedgerEntry.user_id)).one() == org.colleague.id


def test_an_admin_clears_a_flag_raised_on_submission_and_it_goes_to_the_approver(
    db, org: Org, spot, cycle, make_user
):
    admin = make_user("admin@example.com", role=Role.ADMIN)
    submit(db, org.employee, org.colleague, spot)
    back = submit(db, org.colleague, org.employee, spot)
    resolve_flags(db, admin, back.id, FlagResolution.CLEARED, base_url=BASE)
    assert back.status is NominationStatus.PENDING
    decide(db, org.manager, back)
    assert back.status is NominationStatus.APPROVED


def test_an_admin_rejects_a_flagged_nomination_with_a_reason(db, org: Org, spot, cycle, make_user):
    admin = make_user("admin@example.com", role=Role.ADMIN)
    submit(db, org.employee, org.colleague, spot)
    back = submit(db, org.colleague, org.employee, spot)
    with pytest.raises(DomainError):
        resolve_flags(db, admin, back.id, FlagResolution.REJECTED, base_url=BASE)
    resolve_flags(db, admin, back.id, FlagResolution.REJECTED, reason="Trading", base_url=BASE)
    assert back.status is NominationStatus.REJECTED
    with pytest.raises(AlreadyDecided):
        resolve_flags(db, admin, back.id, FlagResolution.CLEARED, base_url=BASE)


# --- two approvers at once -----------------------------------------------------------------------


def test_two_approvers_at_once_make_exactly_one_decision(db, database, org: Org, make_user, cycle):
    member = make_user("member@example.com", role=Role.MANAGER, name="Committee Member")
    award = add_award(db, "Committee Award", AwardTier.SPOT, 10)
    nomination = submit(db, org.employee, org.colleague, award)
    # A second approver at the same level: either of them may decide.
    db.add(ApprovalStep(nomination_id=nomination.id, level=1, approver_id=member.id))
    db.commit()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(approver_id: int) -> None:
        session = database.write_sessions()
        try:
            barrier.wait()
            approver = session.get(type(org.manager), approver_id)
            decide_nomination(
                session, approver, nomination.id, Decision.APPROVE, version=1, base_url=BASE
            )
            session.commit()
            outcomes.append("approved")
        except AlreadyDecided:
            session.rollback()
            outcomes.append("already decided")
        finally:
            session.close()

    threads = [
        threading.Thread(target=approve, args=(approver_id,))
        for approver_id in (org.manager.id, member.id)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["already decided", "approved"]
    db.expire_all()
    assert db.get(Nomination, nomination.id).status is NominationStatus.APPROVED
    assert len(db.scalars(select(PointsLedgerEntry)).all()) == 1
    decisions = db.scalars(
        select(NominationEvent).where(NominationEvent.action == "approved")
    ).all()
    assert len(decisions) == 1
