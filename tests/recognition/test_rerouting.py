"""A new manager takes over the open nominations the old one was asked to decide, by the
house's rules (nobody decides their own case or two levels; with nobody free the step goes up),
whichever way the change came in: the admin form's service, the org-chart import."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.accounts.services.people import PersonDetails, set_person_active, update_person
from portal.core.audit import AuditEntry
from portal.core.errors import Forbidden
from portal.notifications.models import Notification
from portal.recognition.models import (
    ApprovalPath,
    ApprovalStep,
    AwardTier,
    Nomination,
    NominationStatus,
    StepRoute,
)
from portal.recognition.services.deciding import Decision, decide_nomination
from portal.recognition.services.nominating import nominate
from portal.reviews.queries import get_open_cycle
from portal.site.admin.importing.apply import apply_import
from tests.recognition.conftest import Org, add_award, request_for

pytestmark = pytest.mark.usefixtures("cycle")
BASE = "http://portal.test"


def submit(db: Session, actor: User, colleague: User, award) -> Nomination:
    request = request_for(colleague, award)
    [nomination] = nominate(db, actor, request, get_open_cycle(db), monthly_limit=50, base_url=BASE)
    return nomination


def decide(db: Session, actor: User, nomination: Nomination, decision=Decision.APPROVE, **options):
    return decide_nomination(
        db, actor, nomination.id, decision, version=nomination.version, base_url=BASE, **options
    )


def steps(db: Session, nomination: Nomination) -> list[tuple[int, str, StepRoute]]:
    db.expire_all()
    rows = db.execute(
        select(ApprovalStep.level, User.email, ApprovalStep.route)
        .join(User, User.id == ApprovalStep.approver_id)
        .where(ApprovalStep.nomination_id == nomination.id)
        .order_by(ApprovalStep.level, User.email)
    )
    return [tuple(row) for row in rows]


def move(db: Session, actor: User, person: User, new_manager: User | None) -> None:
    """What the admin form does: the person's details with another manager."""
    update_person(
        db,
        actor,
        person,
        PersonDetails(
            email=person.email,
            display_name=person.display_name,
            job_title=person.job_title,
            manager_email=new_manager.email if new_manager else "",
            role=person.role,
        ),
    )


def reroutes(db: Session) -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action == "nomination_rerouted")))


def test_the_new_manager_takes_over_and_the_old_one_can_no_longer_decide(
    db: Session, org: Org, spot, admin: User
) -> None:
    nomination = submit(db, org.colleague, org.employee, spot)
    db.query(Notification).delete()
    move(db, admin, org.employee, org.other_manager)

    assert steps(db, nomination) == [(1, "other.manager@example.com", StepRoute.REPORTING_LINE)]
    [entry] = reroutes(db)
    assert entry.actor_id == admin.id and entry.target == f"nomination {nomination.id}"
    assert "Morgan Manager → Olive Other" in entry.detail
    assert "admin@example.com" in entry.detail
    assert [row.user_id for row in db.scalars(select(Notification))] == [org.other_manager.id]
    with pytest.raises(Forbidden):
        decide(db, org.manager, nomination)
    decide(db, org.other_manager, nomination)
    assert nomination.status is NominationStatus.APPROVED


def test_a_new_manager_who_made_the_nomination_passes_it_up(
    db: Session, org: Org, spot, admin: User
) -> None:
    nomination = submit(db, org.other_manager, org.employee, spot)
    move(db, admin, org.employee, org.other_manager)

    assert steps(db, nomination) == [(1, "director@example.com", StepRoute.MANAGER_ABOVE)]


def test_with_nobody_free_above_the_step_goes_to_the_admins(
    db: Session, org: Org, spot, admin: User
) -> None:
    nomination = submit(db, org.director, org.employee, spot)
    move(db, admin, org.employee, org.director)

    assert steps(db, nomination) == [(1, "admin@example.com", StepRoute.ADMINS)]


def test_a_person_given_a_manager_takes_their_step_from_the_admins(
    db: Session, org: Org, spot, admin: User
) -> None:
    move(db, admin, org.colleague, None)
    nomination = submit(db, org.employee, org.colleague, spot)
    assert steps(db, nomination) == [(1, "admin@example.com", StepRoute.ADMINS)]

    move(db, admin, org.colleague, org.other_manager)

    assert steps(db, nomination) == [(1, "other.manager@example.com", StepRoute.REPORTING_LINE)]


def test_decided_levels_stay_and_open_ones_follow_the_new_line(
    db: Session, org: Org, quarterly, admin: User, make_user
) -> None:
    # employee → Morgan → Dana. Morgan approves level one of the first; then the employee moves
    # under Lee, who reports to Morgan.
    nomination = submit(db, org.colleague, org.employee, quarterly)
    assert [step[1] for step in steps(db, nomination)] == [
        "manager@example.com",
        "director@example.com",
    ]
    decide(db, org.manager, nomination)
    lead = make_user("lead@example.com", role=Role.MANAGER, manager=org.manager, name="Lee Lead")
    nomination_two = submit(
        db,
        org.colleague,
        org.employee,
        add_award(db, "Second Star", AwardTier.QUARTERLY, 50, ApprovalPath.MANAGER_THEN_SKIP),
    )
    move(db, admin, org.employee, lead)

    # Level one was decided: it stays; level two was the director's and still is.
    assert steps(db, nomination)[0] == (1, "manager@example.com", StepRoute.REPORTING_LINE)
    assert steps(db, nomination)[1][1] == "director@example.com"
    # The open one goes to the new line: Lee, then Morgan above.
    assert [step[1] for step in steps(db, nomination_two)] == [
        "lead@example.com",
        "manager@example.com",
    ]


def test_a_manager_moving_takes_their_reports_skip_level_steps_along(
    db: Session, org: Org, quarterly, admin: User
) -> None:
    # The employee's level two is the director, Morgan's manager; Morgan moves under Olive.
    nomination = submit(db, org.colleague, org.employee, quarterly)
    move(db, admin, org.manager, org.other_manager)

    assert [step[1] for step in steps(db, nomination)] == [
        "manager@example.com",
        "other.manager@example.com",
    ]


def test_a_manager_change_without_open_nominations_writes_nothing_more(
    db: Session, org: Org, spot, admin: User
) -> None:
    nomination = submit(db, org.colleague, org.employee, spot)
    decide(db, org.manager, nomination, Decision.REJECT, reason="Not this time.")
    move(db, admin, org.employee, org.other_manager)

    assert reroutes(db) == []
    assert steps(db, nomination) == [(1, "manager@example.com", StepRoute.REPORTING_LINE)]


def test_the_org_chart_import_reroutes_too(db: Session, org: Org, spot, admin: User) -> None:
    nomination = submit(db, org.colleague, org.employee, spot)
    text = (
        "email,name,title,department,manager_email,role\n"
        "employee@example.com,Emery Employee,Agent,Claims,other.manager@example.com,\n"
    )
    apply_import(db, admin, text, base_url="http://portal.test", invitation_days=7)

    assert steps(db, nomination) == [(1, "other.manager@example.com", StepRoute.REPORTING_LINE)]
    [entry] = reroutes(db)
    assert "org-chart import" in entry.detail


def test_the_new_manager_decides_one_level_and_the_next_goes_up(
    db: Session, org: Org, quarterly, admin: User
) -> None:
    # Morgan then Dana; the employee moves straight under Dana, who has no manager: Dana takes
    # level one, and level two, which nobody above Dana can take, goes to the admins.
    nomination = submit(db, org.colleague, org.employee, quarterly)
    move(db, admin, org.employee, org.director)

    assert steps(db, nomination) == [
        (1, "director@example.com", StepRoute.REPORTING_LINE),
        (2, "admin@example.com", StepRoute.ADMINS),
    ]


def test_what_waits_on_a_deactivated_manager_goes_up(
    db: Session, org: Org, spot, quarterly, admin: User
) -> None:
    first = submit(db, org.colleague, org.employee, spot)
    second = submit(db, org.colleague, org.employee, quarterly)
    set_person_active(db, admin, org.manager, False)

    assert steps(db, first) == [(1, "director@example.com", StepRoute.REPORTING_LINE)]
    # Level two was Dana's: Dana takes level one, and level two goes on up to the admins.
    assert [step[1] for step in steps(db, second)] == [
        "director@example.com",
        "admin@example.com",
    ]
    assert all("deactivation by admin@example.com" in entry.detail for entry in reroutes(db))
    assert len(reroutes(db)) == 2
