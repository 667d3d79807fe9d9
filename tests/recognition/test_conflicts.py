"""Nobody decides their own case: routing, deciding, lower tiers and flags (DESIGN rule 14)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.core.errors import DomainError, Forbidden
from portal.leaderboards.rollups import verify_rollups
from portal.recognition.models import (
    ApprovalPath,
    ApprovalStep,
    AwardTier,
    FlagKind,
    FlagResolution,
    IntegrityFlag,
    Nomination,
    NominationEvent,
    NominationStatus,
    PointsLedgerEntry,
    StepRoute,
)
from portal.recognition.services.deciding import Decision, decide_nomination
from portal.recognition.services.integrity import resolve_flags
from portal.recognition.services.nominating import NominationRefused, nominate
from portal.recognition.services.state import AlreadyDecided
from portal.reviews.queries import get_open_cycle
from tests.conftest import UserFactory
from tests.recognition.conftest import Org, add_award, request_for

BASE = "http://portal.test"


def submit(db: Session, actor, colleague, award) -> Nomination:
    [nomination] = nominate(
        db,
        actor,
        request_for(colleague, award),
        get_open_cycle(db),
        monthly_limit=50,
        base_url=BASE,
    )
    db.commit()
    return nomination


def decide(db: Session, actor, nomination: Nomination, decision=Decision.APPROVE, **options):
    decide_nomination(
        db, actor, nomination.id, decision, version=nomination.version, base_url=BASE, **options
    )
    db.commit()


def steps(db: Session, nomination: Nomination) -> list[tuple[int, int, StepRoute]]:
    rows = db.execute(
        select(ApprovalStep.level, ApprovalStep.approver_id, ApprovalStep.route)
        .where(ApprovalStep.nomination_id == nomination.id)
        .order_by(ApprovalStep.level, ApprovalStep.approver_id)
    )
    return [tuple(row) for row in rows]


def state(db: Session, nomination: Nomination) -> tuple:
    """Everything a refusal must leave as it was."""
    db.refresh(nomination)
    fresh = nomination
    events = db.scalars(
        select(NominationEvent.action).where(NominationEvent.nomination_id == nomination.id)
    ).all()
    flags = db.execute(
        select(IntegrityFlag.kind, IntegrityFlag.resolved_at).where(
            IntegrityFlag.nomination_id == nomination.id
        )
    ).all()
    points = db.scalars(select(PointsLedgerEntry.id)).all()
    found = (
        fresh.status,
        fresh.current_level,
        fresh.version,
        fresh.awarded_award_id,
        events,
        flags,
        points,
        steps(db, nomination),
    )
    db.commit()  # end the read: on SQLite the arranging session's transaction holds the lock
    return found


@pytest.fixture
def admins(make_user: UserFactory) -> list[User]:
    return [
        make_user("admin.one@example.com", role=Role.ADMIN, name="Ada Admin"),
        make_user("admin.two@example.com", role=Role.ADMIN, name="Ben Admin"),
    ]


# --- routing: one person, one level; a level with nobody goes up --------------------------


def test_a_committee_member_who_decides_an_earlier_level_is_left_out(db, org: Org, cycle):
    award = add_award(
        db,
        "Member Advocate",
        AwardTier.ANNUAL,
        500,
        ApprovalPath.COMMITTEE,
        committee=[org.manager, org.other_manager],
    )
    nomination = submit(db, org.employee, org.colleague, award)
    assert steps(db, nomination) == [
        (1, org.manager.id, StepRoute.REPORTING_LINE),
        (2, org.other_manager.id, StepRoute.COMMITTEE),
    ]


def test_a_committee_left_with_nobody_goes_up_to_the_manager_above(db, org: Org, cycle):
    award = add_award(
        db, "Member Advocate", AwardTier.ANNUAL, 500, ApprovalPath.COMMITTEE, [org.manager]
    )
    nomination = submit(db, org.employee, org.colleague, award)
    assert steps(db, nomination) == [
        (1, org.manager.id, StepRoute.REPORTING_LINE),
        (2, org.director.id, StepRoute.MANAGER_ABOVE),
    ]


def test_then_to_the_admins_who_are_not_part_of_it(db, org: Org, cycle, admins):
    award = add_award(
        db, "Member Advocate", AwardTier.ANNUAL, 500, ApprovalPath.COMMITTEE, [org.director]
    )
    nomination = submit(db, admins[1], org.manager, award)
    assert steps(db, nomination) == [
        (1, org.director.id, StepRoute.REPORTING_LINE),
        (2, admins[0].id, StepRoute.ADMINS),
    ]


def test_a_manager_nominating_sends_the_step_up_and_says_so(db, org: Org, spot, cycle):
    nomination = submit(db, org.manager, org.colleague, spot)
    assert steps(db, nomination) == [(1, org.director.id, StepRoute.MANAGER_ABOVE)]


def test_a_skip_level_step_is_never_dropped(db, org: Org, quarterly, cycle, admins):
    nomination = submit(db, org.employee, org.manager, quarterly)  # only the director is above
    assert steps(db, nomination) == [
        (1, org.director.id, StepRoute.REPORTING_LINE),
        (2, admins[0].id, StepRoute.ADMINS),
        (2, admins[1].id, StepRoute.ADMINS),
    ]


def test_with_nobody_free_at_a_level_the_nomination_is_refused(db, org: Org, quarterly, cycle):
    with pytest.raises(NominationRefused, match="Nobody can approve"):
        nominate(
            db,
            org.employee,
            request_for(org.manager, quarterly),
            get_open_cycle(db),
            monthly_limit=50,
            base_url=BASE,
        )
    assert db.scalars(select(Nomination)).all() == []


def test_an_only_admin_does_not_take_two_levels(db, org: Org, quarterly, cycle, make_user):
    make_user("admin@example.com", role=Role.ADMIN)
    with pytest.raises(NominationRefused):
        nominate(
            db,
            org.employee,
            request_for(org.director, quarterly),
            get_open_cycle(db),
            monthly_limit=50,
            base_url=BASE,
        )


# --- deciding: never two levels of one nomination ------------------------------------------


def test_a_second_decision_by_the_same_person_is_refused_with_a_clear_message(
    db, org: Org, quarterly, cycle
):
    nomination = submit(db, org.employee, org.colleague, quarterly)
    # As older routing could leave it: the manager listed at both levels.
    db.add(ApprovalStep(nomination_id=nomination.id, level=2, approver_id=org.manager.id))
    db.commit()
    decide(db, org.manager, nomination)
    assert steps(db, nomination)[1:] == [(2, org.director.id, StepRoute.REPORTING_LINE)]
    before = state(db, nomination)
    with pytest.raises(Forbidden, match="You already decided step 1 of this nomination"):
        decide(db, org.manager, nomination)
    db.rollback()
    assert state(db, nomination) == before


def test_an_admin_who_decided_the_first_level_leaves_the_second(
    db, org: Org, quarterly, cycle, admins
):
    nomination = submit(db, org.employee, org.director, quarterly)  # nobody above the director
    assert [approver for _, approver, _ in steps(db, nomination)] == [
        admins[0].id,
        admins[1].id,
    ] * 2
    decide(db, admins[0], nomination)
    assert steps(db, nomination)[2:] == [(2, admins[1].id, StepRoute.ADMINS)]
    with pytest.raises(Forbidden, match="already decided step 1"):
        decide(db, admins[0], nomination)
    db.rollback()
    decide(db, admins[1], nomination)
    assert db.get(Nomination, nomination.id).status is NominationStatus.APPROVED


def test_a_level_left_empty_by_the_decider_goes_up_to_the_other_admins(db, org: Org, cycle, admins):
    award = add_award(db, "Top Award", AwardTier.ANNUAL, 300, ApprovalPath.COMMITTEE, [admins[0]])
    nomination = submit(db, org.employee, org.director, award)
    assert steps(db, nomination)[2:] == [(2, admins[0].id, StepRoute.COMMITTEE)]
    decide(db, admins[0], nomination)
    assert steps(db, nomination)[2:] == [(2, admins[1].id, StepRoute.ADMINS)]


def test_a_decision_that_would_leave_a_level_with_nobody_is_refused_and_writes_nothing(
    db, org: Org, cycle, admins
):
    award = add_award(db, "Top Award", AwardTier.ANNUAL, 300, ApprovalPath.COMMITTEE, [admins[0]])
    nomination = submit(db, org.employee, org.director, award)
    admins[1].active = False
    db.commit()
    before = state(db, nomination)
    with pytest.raises(DomainError, match="Nobody else is free to decide the next step"):
        decide(db, admins[0], nomination)
    db.rollback()
    assert state(db, nomination) == before


def test_the_nominee_or_nominator_never_decides_even_when_listed(db, org: Org, spot, cycle):
    nomination = submit(db, org.employee, org.colleague, spot)
    for party in (org.employee, org.colleague):
        db.add(ApprovalStep(nomination_id=nomination.id, level=1, approver_id=party.id))
    db.commit()
    before = state(db, nomination)
    with pytest.raises(Forbidden, match="You made this nomination"):
        decide(db, org.employee, nomination)
    db.rollback()
    with pytest.raises(Forbidden, match="You are the nominee"):
        decide(db, org.colleague, nomination)
    db.rollback()
    assert state(db, nomination) == before


def test_two_admins_deciding_the_first_level_at_once_make_one_decision(
    db, database, org: Org, quarterly, cycle, admins
):
    nomination = submit(db, org.employee, org.director, quarterly)
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def approve(admin_id: int) -> None:
        session = database.write_sessions()
        try:
            barrier.wait()
            admin = session.get(User, admin_id)
            decide_nomination(
                session, admin, nomination.id, Decision.APPROVE, version=1, base_url=BASE
            )
            session.commit()
            outcomes[admin_id] = "approved"
        except AlreadyDecided:
            session.rollback()
            outcomes[admin_id] = "already decided"
        finally:
            session.close()

    threads = [threading.Thread(target=approve, args=(admin.id,)) for admin in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["already decided", "approved"]
    [winner] = [admin_id for admin_id, outcome in outcomes.items() if outcome == "approved"]
    db.expire_all()
    assert db.get(Nomination, nomination.id).current_level == 2
    # Only the winner left the second level: the loser wrote nothing.
    second = [approver for level, approver, _ in steps(db, nomination) if level == 2]
    assert second == [admin.id for admin in admins if admin.id != winner]
    approvals = db.scalars(
        select(NominationEvent).where(NominationEvent.action == "approved_level")
    ).all()
    assert len(approvals) == 1
    assert verify_rollups(db) == []


# --- approving at a lower tier skips nothing ------------------------------------------------


@pytest.fixture
def annual(db: Session, org: Org):
    return add_award(
        db, "Member Advocate", AwardTier.ANNUAL, 500, ApprovalPath.COMMITTEE, [org.other_manager]
    )


def test_a_lower_tier_continues_through_the_lower_awards_own_path(
    db, org: Org, annual, quarterly, cycle
):
    nomination = submit(db, org.employee, org.colleague, annual)
    decide(db, org.manager, nomination, Decision.APPROVE_LOWER, lower_award_id=quarterly.id)
    db.expire_all()
    nomination = db.get(Nomination, nomination.id)
    assert (nomination.status, nomination.current_level, nomination.awarded_award_id) == (
        NominationStatus.PENDING,
        2,
        quarterly.id,
    )
    # The committee step of the annual award gives way to the quarterly award's skip level.
    assert steps(db, nomination) == [
        (1, org.manager.id, StepRoute.REPORTING_LINE),
        (2, org.director.id, StepRoute.REPORTING_LINE),
    ]
    assert db.scalars(select(PointsLedgerEntry)).all() == []
    with pytest.raises(Forbidden):
        decide(db, org.other_manager, nomination)
    db.rollback()
    decide(db, org.director, nomination)
    entry = db.scalars(select(PointsLedgerEntry)).one()
    assert (entry.award_id, entry.points) == (quarterly.id, 100)


def test_a_lower_tier_whose_path_is_already_decided_is_granted(
    db, org: Org, annual, quarterly, spot, cycle
):
    nomination = submit(db, org.employee, org.colleague, annual)
    decide(db, org.manager, nomination)
    decide(db, org.other_manager, nomination, Decision.APPROVE_LOWER, lower_award_id=quarterly.id)
    db.expire_all()
    assert db.get(Nomination, nomination.id).status is NominationStatus.APPROVED
    assert db.scalars(select(PointsLedgerEntry.award_id)).one() == quarterly.id


def test_a_lower_tier_goes_through_the_integrity_hold(
    db, org: Org, annual, quarterly, cycle, admins
):
    submit(db, org.colleague, org.manager, quarterly)  # the nominee nominated the approver
    nomination = submit(db, org.employee, org.colleague, annual)
    decide(db, org.manager, nomination, Decision.APPROVE_LOWER, lower_award_id=quarterly.id)
    db.expire_all()
    held = db.get(Nomination, nomination.id)
    assert (held.status, held.current_level, held.awarded_award_id) == (
        NominationStatus.FLAGGED,
        2,
        quarterly.id,
    )
    assert db.scalars(
        select(IntegrityFlag.kind).where(IntegrityFlag.nomination_id == nomination.id)
    ).all() == [FlagKind.APPROVER_NOMINATED_BY_NOMINEE]
    assert db.scalars(select(PointsLedgerEntry)).all() == []
    resolve_flags(db, admins[0], nomination.id, FlagResolution.CLEARED, base_url=BASE)
    db.commit()
    assert (held.status, held.current_level) == (NominationStatus.PENDING, 2)
    decide(db, org.director, held)
    assert db.scalars(select(PointsLedgerEntry.award_id)).one() == quarterly.id


def test_the_lower_award_is_chosen_below_the_award_now_being_decided(
    db, org: Org, annual, quarterly, spot, cycle
):
    nomination = submit(db, org.employee, org.colleague, annual)
    decide(db, org.manager, nomination, Decision.APPROVE_LOWER, lower_award_id=quarterly.id)
    before = state(db, nomination)
    with pytest.raises(DomainError) as refused:
        decide(db, org.director, nomination, Decision.APPROVE_LOWER, lower_award_id=quarterly.id)
    assert refused.value.field == "lower_award"
    db.rollback()
    assert state(db, nomination) == before


# --- integrity flags: nobody clears a flag on their own case ------------------------------------


def held_by_manager(db: Session, org: Org, spot) -> Nomination:
    """Approved by the manager, whom the nominee had nominated: held for an admin."""
    submit(db, org.colleague, org.manager, spot)
    nomination = submit(db, org.employee, org.colleague, spot)
    decide(db, org.manager, nomination)
    db.refresh(nomination)
    db.commit()
    return nomination


@pytest.mark.parametrize("part", ["nominee", "nominator", "approver"])
def test_no_party_to_a_nomination_resolves_its_flag(db, org: Org, spot, cycle, part, admins):
    for person in (org.colleague, org.employee, org.manager):
        person.role = Role.ADMIN
    db.commit()
    nomination = held_by_manager(db, org, spot)
    person = {"nominee": org.colleague, "nominator": org.employee, "approver": org.manager}[part]
    before = state(db, nomination)
    for resolution in FlagResolution:
        with pytest.raises(Forbidden, match="another admin resolves this flag"):
            resolve_flags(db, person, nomination.id, resolution, reason="Mine", base_url=BASE)
        db.rollback()
    assert state(db, nomination) == before
    resolve_flags(db, admins[0], nomination.id, FlagResolution.CLEARED, base_url=BASE)
    assert nomination.status is NominationStatus.APPROVED


def test_an_approver_of_the_level_it_waits_at_does_not_resolve_its_flag(
    db, org: Org, spot, cycle, admins
):
    submit(db, org.colleague, org.employee, spot)
    back = submit(db, org.employee, org.colleague, spot)  # reciprocal: flagged on submission
    db.add(ApprovalStep(nomination_id=back.id, level=1, approver_id=admins[0].id))
    db.commit()
    with pytest.raises(Forbidden, match="You are an approver"):
        resolve_flags(db, admins[0], back.id, FlagResolution.CLEARED, base_url=BASE)
    db.rollback()
    resolve_flags(db, admins[1], back.id, FlagResolution.CLEARED, base_url=BASE)
    assert back.status is NominationStatus.PENDING


def test_only_admins_resolve_flags(db, org: Org, spot, cycle):
    submit(db, org.colleague, org.employee, spot)
    back = submit(db, org.employee, org.colleague, spot)
    with pytest.raises(Forbidden, match="Only admins"):
        resolve_flags(db, org.director, back.id, FlagResolution.CLEARED, base_url=BASE)


# --- the pages ---------------------------------------------------------------------------------


def test_the_approvals_page_shows_the_step_and_why_it_came_to_you(
    login_as, db, org: Org, annual, quarterly, cycle
):
    nomination = submit(db, org.employee, org.colleague, annual)
    decide(db, org.manager, nomination, Decision.APPROVE_LOWER, lower_award_id=quarterly.id)
    submit(db, org.manager, org.employee, add_award(db, "Kind Word"))
    html = login_as(org.director).get("/recognition/approvals").get_data(as_text=True)
    assert "step 2 of 2" in html
    assert "Step 1 approved by Morgan Manager." in html
    assert "Nominated for Member Advocate; an earlier step approved it at the lower tier" in html
    assert "step 1 of 1" in html
    assert "Routed to you, the manager above" in html


def test_a_forged_second_decision_is_refused_and_changes_nothing(
    login_as, db, org: Org, quarterly, cycle
):
    nomination = submit(db, org.employee, org.colleague, quarterly)
    db.add(ApprovalStep(nomination_id=nomination.id, level=2, approver_id=org.manager.id))
    db.commit()
    decide(db, org.manager, nomination)
    before = state(db, nomination)
    response = login_as(org.manager).post(
        f"/recognition/approvals/{nomination.id}",
        data={"decision": "approve", "version": str(nomination.version)},
    )
    assert response.status_code == 403
    assert "You already decided step 1 of this nomination" in response.get_data(as_text=True)
    assert state(db, nomination) == before


def test_the_flags_page_offers_no_buttons_to_a_party_and_names_who_can(
    login_as, db, org: Org, spot, cycle, admins
):
    org.manager.role = Role.ADMIN
    db.commit()
    nomination = held_by_manager(db, org, spot)
    client = login_as(org.manager)
    html = client.get("/admin/integrity-flags").get_data(as_text=True)
    assert "You are part of this nomination, so you cannot resolve its flag." in html
    assert "Who can: Ada Admin, Ben Admin." in html
    assert 'value="cleared"' not in html
    before = state(db, nomination)
    response = client.post(
        f"/admin/integrity-flags/{nomination.id}", data={"resolution": "cleared"}
    )
    assert response.status_code == 403
    assert "You are an approver of this nomination" in response.get_data(as_text=True)
    assert state(db, nomination) == before


def test_the_flags_page_says_so_when_no_admin_is_free(login_as, db, org: Org, spot, cycle):
    org.manager.role = Role.ADMIN
    db.commit()
    held_by_manager(db, org, spot)
    html = login_as(org.manager).get("/admin/integrity-flags").get_data(as_text=True)
    assert "No admin can: every admin is part of it." in html


def test_the_flags_page_costs_the_same_however_many_flags(
    login_as, db, org: Org, cycle, admins, make_user, count_statements
):
    client = login_as(admins[0])

    def statements() -> int:
        with count_statements() as counter:
            assert client.get("/admin/integrity-flags").status_code == 200
        return counter.count

    def reciprocal(number: int) -> None:
        award = add_award(db, f"Award {number}")
        first, second = make_user(manager=org.manager), make_user(manager=org.manager)
        submit(db, first, second, award)
        submit(db, second, first, award)

    reciprocal(0)
    few = statements()
    for number in range(1, 6):
        reciprocal(number)
    assert statements() == few
