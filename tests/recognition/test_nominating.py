"""Nominating: every refusal, the database rules behind them, routing and team nominations."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.accounts.models import Role
from portal.notifications.models import Notification
from portal.recognition.models import (
    ApprovalPath,
    ApprovalStep,
    Award,
    AwardTier,
    Nomination,
    NominationEvent,
    NominationStatus,
    NominationTrait,
    PointsLedgerEntry,
    Trait,
)
from portal.recognition.rules import LIVE_STATUSES
from portal.recognition.services import nominating
from portal.recognition.services.deciding import Decision, decide_nomination
from portal.recognition.services.nominating import NominationRefused, nominate
from portal.reviews.queries import get_open_cycle
from tests.recognition.conftest import Org, add_award, request_for

BASE = "http://portal.test"


def send(db: Session, actor, request, limit: int = 10) -> list[Nomination]:
    return nominate(db, actor, request, get_open_cycle(db), monthly_limit=limit, base_url=BASE)


def nomination_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Nomination)) or 0


def steps(db: Session, nomination: Nomination) -> list[tuple[int, int]]:
    rows = db.execute(
        select(ApprovalStep.level, ApprovalStep.approver_id)
        .where(ApprovalStep.nomination_id == nomination.id)
        .order_by(ApprovalStep.level, ApprovalStep.approver_id)
    )
    return [tuple(row) for row in rows]


def test_a_nomination_is_recorded_and_routed_to_the_nominees_manager(db, org: Org, spot, cycle):
    [nomination] = send(
        db,
        org.employee,
        request_for(
            org.colleague,
            spot,
            ["empathy", "patience"],
            confidential_note="Between us",
            evidence_reference="CASE-42",
            customer_words="She was wonderful.",
        ),
    )
    assert nomination.status is NominationStatus.PENDING
    assert nomination.cycle_id == cycle.id
    assert nomination.evidence_reference == "CASE-42"
    assert steps(db, nomination) == [(1, org.manager.id)]
    traits = set(db.scalars(select(NominationTrait.trait)))
    assert traits == {Trait.EMPATHY, Trait.PATIENCE}
    event = db.scalars(select(NominationEvent)).one()
    assert (event.action, event.from_status, event.to_status) == ("submitted", None, "pending")
    told = db.scalars(select(Notification.user_id)).all()
    assert told == [org.manager.id]


@pytest.mark.parametrize(
    ("make_request", "field", "message"),
    [
        (lambda org, award: request_for(org.employee, award), "colleague", "yourself"),
        (lambda org, award: request_for(org.colleague, award, []), "traits", "at least one trait"),
        (lambda org, award: request_for(org.colleague, award, ["charm"]), "traits", "trait"),
        (lambda org, award: request_for("nobody@example.com", award), "colleague", "nobody@"),
        (lambda org, award: request_for(org.colleague, award, citation="  "), "citation", "did"),
    ],
)
def test_refusals_say_why_beside_the_field_and_create_nothing(
    db, org: Org, spot, cycle, make_request, field, message
):
    with pytest.raises(NominationRefused) as refused:
        send(db, org.employee, make_request(org, spot))
    assert refused.value.field == field
    assert message in refused.value.message
    assert nomination_count(db) == 0


def test_an_inactive_colleague_cannot_be_nominated(db, org: Org, spot, cycle, make_user):
    gone = make_user("gone@example.com", manager=org.manager, active=False, name="Gone Person")
    with pytest.raises(NominationRefused, match="no longer active") as refused:
        send(db, org.employee, request_for(gone, spot))
    assert refused.value.field == "colleague"
    assert nomination_count(db) == 0


def test_an_inactive_award_cannot_be_chosen(db, org: Org, spot, cycle):
    spot.active = False
    db.commit()
    with pytest.raises(NominationRefused) as refused:
        send(db, org.employee, request_for(org.colleague, spot))
    assert refused.value.field == "award"


def test_the_same_nominee_and_award_only_once_per_cycle(db, org: Org, spot, quarterly, cycle):
    send(db, org.employee, request_for(org.colleague, spot))
    with pytest.raises(NominationRefused, match="already nominated Casey Colleague"):
        send(db, org.employee, request_for(org.colleague, spot))
    send(db, org.employee, request_for(org.colleague, quarterly))
    assert nomination_count(db) == 2


def test_a_rejected_nomination_can_be_made_again(db, org: Org, spot, cycle):
    [first] = send(db, org.employee, request_for(org.colleague, spot))
    decide_nomination(
        db,
        org.manager,
        first.id,
        Decision.REJECT,
        version=first.version,
        reason="Not enough detail",
        base_url=BASE,
    )
    send(db, org.employee, request_for(org.colleague, spot))
    assert nomination_count(db) == 2


def test_a_race_on_the_unique_index_gives_the_same_message(db, org: Org, spot, cycle, monkeypatch):
    send(db, org.employee, request_for(org.colleague, spot))
    # As if another request inserted between this one's check and its insert.
    monkeypatch.setattr(nominating, "_check_not_already_nominated", lambda *args: None)
    with pytest.raises(NominationRefused, match="already nominated Casey Colleague") as refused:
        send(db, org.employee, request_for(org.colleague, spot))
    assert refused.value.field == "colleague"
    assert nomination_count(db) == 1


def test_the_monthly_limit_per_nominator(db, org: Org, cycle):
    awards = [add_award(db, f"Award {number}") for number in range(3)]
    for award in awards[:2]:
        send(db, org.employee, request_for(org.colleague, award), limit=2)
    with pytest.raises(NominationRefused, match="at most 2 nominations a month"):
        send(db, org.employee, request_for(org.colleague, awards[2]), limit=2)
    assert nomination_count(db) == 2


def test_no_open_cycle_means_no_nominations(db, org: Org, spot):
    with pytest.raises(NominationRefused, match="no open review cycle"):
        send(db, org.employee, request_for(org.colleague, spot))


def test_a_team_nomination_creates_one_row_per_colleague(db, org: Org, spot, cycle):
    created = send(
        db,
        org.employee,
        request_for(org.colleague, spot, team_emails=[org.outsider.email, org.colleague.email]),
    )
    assert [n.nominee_id for n in created] == [org.colleague.id, org.outsider.id]
    assert created[0].team_group_id and created[0].team_group_id == created[1].team_group_id
    assert steps(db, created[1]) == [(1, org.other_manager.id)]


def test_a_team_nomination_refuses_the_nominator_among_the_team(db, org: Org, spot, cycle):
    with pytest.raises(NominationRefused, match="yourself") as refused:
        send(db, org.employee, request_for(org.colleague, spot, team_emails=[org.employee.email]))
    assert refused.value.field == "team"
    assert nomination_count(db) == 0


# --- routing --------------------------------------------------------------------------------


def test_when_the_manager_nominates_the_skip_level_manager_approves(db, org: Org, spot, cycle):
    [nomination] = send(db, org.manager, request_for(org.colleague, spot))
    assert steps(db, nomination) == [(1, org.director.id)]


def test_manager_then_skip_adds_the_next_level(db, org: Org, quarterly, cycle):
    [nomination] = send(db, org.employee, request_for(org.colleague, quarterly))
    assert steps(db, nomination) == [(1, org.manager.id), (2, org.director.id)]


def test_committee_awards_add_the_committee_without_the_nominator(db, org: Org, cycle, make_user):
    member = make_user("member@example.com", name="Committee Member")
    award = add_award(
        db,
        "Member Advocate",
        AwardTier.ANNUAL,
        500,
        ApprovalPath.COMMITTEE,
        committee=[member, org.employee],
    )
    [nomination] = send(db, org.employee, request_for(org.colleague, award))
    assert steps(db, nomination) == [(1, org.manager.id), (2, member.id)]


def test_without_a_manager_the_admins_approve(db, org: Org, spot, cycle, make_user):
    admin = make_user("admin@example.com", role=Role.ADMIN)
    [nomination] = send(db, org.employee, request_for(org.director, spot))
    assert steps(db, nomination) == [(1, admin.id)]


# --- what the database holds by itself ---------------------------------------------------------


def test_the_database_refuses_self_nomination(db, org: Org, spot, cycle):
    db.add(
        Nomination(
            nominator_id=org.employee.id,
            nominee_id=org.employee.id,
            award_id=spot.id,
            cycle_id=cycle.id,
            citation="me",
        )
    )
    with pytest.raises(IntegrityError):
        db.flush()


def test_the_database_refuses_a_second_live_nomination(db, org: Org, spot, cycle):
    def row(status: NominationStatus) -> Nomination:
        return Nomination(
            nominator_id=org.employee.id,
            nominee_id=org.colleague.id,
            award_id=spot.id,
            cycle_id=cycle.id,
            citation="x",
            status=status,
        )

    db.add_all([row(NominationStatus.REJECTED), row(NominationStatus.PENDING)])
    db.flush()
    db.add(row(NominationStatus.APPROVED))
    with pytest.raises(IntegrityError):
        db.flush()


def test_the_database_refuses_negative_points(db, org: Org, spot):
    db.add(Award(name="Minus", tier=AwardTier.SPOT, points=-1))
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()
    db.add(
        PointsLedgerEntry(user_id=org.colleague.id, nomination_id=1, award_id=spot.id, points=-5)
    )
    with pytest.raises(IntegrityError):
        db.flush()


def test_the_live_statuses_rule_and_the_unique_index_agree():
    index = next(
        index
        for index in Nomination.__table__.indexes
        if index.name == "uq_nominations_live_nominee_award_cycle"
    )
    condition = str(index.dialect_options["postgresql"]["where"])
    quoted = ", ".join(f"'{status}'" for status in LIVE_STATUSES)
    assert condition == f"status IN ({quoted})"
