"""Recognition pages: labels, htmx fragments, refusals in the form, access and statement counts."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from portal.core.db import utcnow
from portal.recognition.models import (
    ApprovalPath,
    Award,
    AwardTier,
    Nomination,
    NominationStatus,
    award_committee_members,
)
from portal.recognition.services.deciding import Decision, decide_nomination
from portal.recognition.services.nominating import nominate
from portal.reviews.queries import get_open_cycle
from tests.conftest import login
from tests.recognition.conftest import Org, add_award, request_for

BASE = "http://portal.test"


def submit(db: Session, actor, colleague, award, **extra) -> Nomination:
    [nomination] = nominate(
        db,
        actor,
        request_for(colleague, award, **extra),
        get_open_cycle(db),
        monthly_limit=500,
        base_url=BASE,
    )
    db.commit()
    return nomination


def form(colleague: str, award_id: int, **extra) -> dict[str, object]:
    return {
        "colleague": colleague,
        "award": str(award_id),
        "traits": ["patience", "composure"],
        "citation": "Calmed an upset member\nand fixed the claim.",
        **extra,
    }


def test_the_nominate_page_has_the_contract_labels(login_as, org: Org, spot, cycle):
    page = login_as(org.employee).get("/recognition/nominate").get_data(as_text=True)
    for text in (
        '<label for="colleague">Colleague</label>',
        "<legend>Award</legend>",
        'type="radio" id="award-',
        "Spot award · 25 points",
        "<legend>Traits</legend>",
        '<label for="citation">What did they do?</label>',
        ">Submit nomination</button>",
        'type="checkbox"',
        'list="colleague-options"',
        "Customer Hero",
    ):
        assert text in page


def test_nominating_redirects_to_my_nominations(login_as, db, org: Org, spot, cycle):
    client = login_as(org.employee)
    response = client.post("/recognition/nominate", data=form("colleague@example.com", spot.id))
    assert response.status_code == 303
    assert response.headers["Location"] == "/recognition/mine"
    mine = client.get("/recognition/mine").get_data(as_text=True)
    assert "Casey Colleague" in mine and "Pending" in mine


def test_without_an_open_cycle_the_form_says_nominations_are_closed(
    login_as, db, org: Org, spot, cycle
):
    cycle.closed_at = utcnow()
    db.commit()
    response = login_as(org.employee).post(
        "/recognition/nominate", data=form("colleague@example.com", spot.id)
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nominations are closed: there is no open review cycle today." in page
    assert 'value="colleague@example.com"' in page
    assert db.scalar(select(func.count()).select_from(Nomination)) == 0


def test_a_refusal_shows_beside_the_field_and_keeps_what_was_typed(
    login_as, db, org: Org, spot, cycle
):
    client = login_as(org.employee)
    response = client.post(
        "/recognition/nominate", data=form("employee@example.com", spot.id, citation="Kept typing")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="colleague-error">You cannot nominate yourself.' in page
    assert "Kept typing" in page
    no_traits = client.post(
        "/recognition/nominate", data={**form("colleague@example.com", spot.id), "traits": []}
    ).get_data(as_text=True)
    assert 'id="traits-error">Choose at least one trait.' in no_traits
    assert db.scalar(select(func.count()).select_from(Nomination)) == 0


def test_the_colleague_autocomplete_answers_htmx_with_a_datalist(login_as, org: Org):
    client = login_as(org.employee)
    response = client.get("/recognition/colleagues?colleague=casey", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<datalist id="colleague-options">')
    assert '<option value="colleague@example.com">Casey Colleague' in body
    assert "HX-Request" in response.headers["Vary"]
    full = client.get("/recognition/colleagues?colleague=casey").get_data(as_text=True)
    assert "<html" in full and "colleague@example.com" in full


def test_approvers_see_their_queue_with_approve_and_reject(login_as, db, org: Org, spot, cycle):
    submit(db, org.employee, org.colleague, spot, confidential_note="Only for you")
    page = login_as(org.manager).get("/recognition/approvals").get_data(as_text=True)
    assert "Casey Colleague for Customer Hero" in page
    assert ">Approve</button>" in page and ">Reject</button>" in page
    assert ">Reason</label>" in page
    assert "Only for you" in page


def test_a_manager_outside_the_reporting_line_sees_and_decides_nothing(
    login_as, db, org: Org, spot, cycle
):
    nomination = submit(db, org.employee, org.colleague, spot)
    client = login_as(org.other_manager)
    page = client.get("/recognition/approvals").get_data(as_text=True)
    assert "Casey Colleague" not in page
    assert "Nothing is waiting for your decision." in page
    response = client.post(
        f"/recognition/approvals/{nomination.id}", data={"version": "1", "decision": "approve"}
    )
    assert response.status_code == 403
    db.expire_all()
    assert db.get(Nomination, nomination.id).status is NominationStatus.PENDING


def test_approving_in_the_browser_then_again_says_already_decided(
    login_as, db, org: Org, spot, cycle
):
    nomination = submit(db, org.employee, org.colleague, spot)
    client = login_as(org.manager)
    url = f"/recognition/approvals/{nomination.id}"
    first = client.post(url, data={"version": "1", "decision": "approve"})
    assert first.status_code == 303
    client.post(url, data={"version": "1", "decision": "approve"})
    assert "already decided" in client.get("/recognition/approvals").get_data(as_text=True)
    wall = client.get("/recognition").get_data(as_text=True)
    assert "Stayed on the line" in wall
    profile = client.get(f"/people/{org.colleague.id}").get_data(as_text=True)
    assert "Customer Hero" in profile and "Stayed on the line" in profile


def test_rejecting_without_a_reason_shows_the_message_beside_the_reason(
    login_as, db, org: Org, spot, cycle
):
    nomination = submit(db, org.employee, org.colleague, spot)
    client = login_as(org.manager)
    response = client.post(
        f"/recognition/approvals/{nomination.id}", data={"version": "1", "decision": "reject"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="reason-{nomination.id}-error">Give a reason the nominator will see.' in page


def test_htmx_decisions_redirect_with_hx_redirect(login_as, db, org: Org, spot, cycle):
    nomination = submit(db, org.employee, org.colleague, spot)
    response = login_as(org.manager).post(
        f"/recognition/approvals/{nomination.id}",
        data={"version": "1", "decision": "reject", "reason": "Duplicate of last week"},
        headers={"HX-Request": "true"},
    )
    assert response.headers["HX-Redirect"] == "/recognition/approvals"


def test_the_wall_answers_htmx_with_its_fragment(login_as, db, org: Org, spot, cycle):
    nomination = submit(db, org.employee, org.colleague, spot)
    decide_nomination(db, org.manager, nomination.id, Decision.APPROVE, version=1, base_url=BASE)
    db.commit()
    client = login_as(org.employee)
    fragment = client.get("/recognition", headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="wall-items">')
    assert "HX-Request" in fragment.headers["Vary"]
    page = client.get("/recognition").get_data(as_text=True)
    assert '<p class="citation">' in page


def test_citations_are_plain_text(login_as, db, org: Org, spot, cycle):
    nomination = submit(db, org.employee, org.colleague, spot, citation="<b>bold</b> **no**")
    decide_nomination(db, org.manager, nomination.id, Decision.APPROVE, version=1, base_url=BASE)
    db.commit()
    page = login_as(org.employee).get("/recognition").get_data(as_text=True)
    assert "&lt;b&gt;bold&lt;/b&gt; **no**" in page


def test_the_nav_shows_recognition_and_approvals_for_managers(login_as, org: Org):
    page = login_as(org.manager).get("/").get_data(as_text=True)
    assert ">Recognition</a>" in page and ">Approvals</a>" in page


def test_approvals_run_a_fixed_number_of_statements(
    login_as, db, org: Org, cycle, count_statements, make_user
):
    client = login_as(org.manager)

    def statements() -> int:
        with count_statements() as counter:
            assert client.get("/recognition/approvals").status_code == 200
        return counter.count

    awards = [add_award(db, f"Award {number}") for number in range(12)]
    submit(db, org.employee, org.colleague, awards[0])
    few = statements()
    for number, award in enumerate(awards[1:]):
        nominee = make_user(f"nominee{number}@example.com", manager=org.manager)
        submit(db, org.employee if number % 2 else org.colleague, nominee, award)
    assert statements() == few


def test_the_wall_runs_a_fixed_number_of_statements(
    login_as, db, org: Org, spot, cycle, count_statements, make_user
):
    client = login_as(org.employee)

    def statements() -> int:
        with count_statements() as counter:
            assert client.get("/recognition").status_code == 200
        return counter.count

    def approve_one(number: int) -> None:
        nominee = make_user(f"walled{number}@example.com", manager=org.manager)
        nomination = submit(db, org.colleague, nominee, spot)
        decide_nomination(
            db, org.manager, nomination.id, Decision.APPROVE, version=1, base_url=BASE
        )
        db.commit()

    approve_one(0)
    few = statements()
    for number in range(1, 8):
        approve_one(number)
    assert statements() == few


def test_admins_manage_the_award_catalogue(login_as, db, org: Org, admin):
    client = login_as(admin)
    created = client.post(
        "/admin/awards/new",
        data={
            "name": "Kindness Award",
            "description": "For kindness",
            "tier": "spot",
            "points": "15",
            "approval_path": "committee",
            "committee": "director@example.com",
        },
    )
    assert created.status_code == 303
    listing = client.get("/admin/awards").get_data(as_text=True)
    assert "Kindness Award" in listing and "Committee" in listing
    award = db.scalars(select(Award)).one()
    db.commit()  # end the arranging transaction: on SQLite it holds the write lock
    negative = client.post(
        f"/admin/awards/{award.id}/edit",
        data={"name": "Kindness Award", "tier": "spot", "points": "-3", "approval_path": "manager"},
    )
    assert "Points are a whole number from 0 to 100000." in negative.get_data(as_text=True)
    client.post(
        f"/admin/awards/{award.id}/edit",
        data={"name": "Kindness", "tier": "quarterly", "points": "40", "approval_path": "manager"},
    )
    client.post(f"/admin/awards/{award.id}/active", data={"active": "0"})
    db.expire_all()
    award = db.get(Award, award.id)
    assert (award.name, award.points, award.active) == ("Kindness", 40, False)
    db.commit()
    duplicate = client.post(
        "/admin/awards/new",
        data={"name": "Kindness", "tier": "spot", "points": "1", "approval_path": "manager"},
    )
    assert "An award with that name already exists." in duplicate.get_data(as_text=True)


def test_admins_see_flags_with_their_reason_and_clear_them(
    login_as, db, org: Org, spot, cycle, admin
):
    submit(db, org.employee, org.colleague, spot)
    back = submit(db, org.colleague, org.employee, spot)
    client = login_as(admin)
    page = client.get("/admin/integrity-flags").get_data(as_text=True)
    assert "Emery Employee also nominated Casey Colleague within the last 90 days." in page
    response = client.post(f"/admin/integrity-flags/{back.id}", data={"resolution": "cleared"})
    assert response.status_code == 303
    db.expire_all()
    assert db.get(Nomination, back.id).status is NominationStatus.PENDING
    assert "No open integrity flags." in client.get("/admin/integrity-flags").get_data(as_text=True)


def test_people_may_keep_their_awards_from_colleagues(db, org: Org, spot, cycle, admin, app):
    nomination = submit(db, org.employee, org.colleague, spot)
    decide_nomination(db, org.manager, nomination.id, Decision.APPROVE, version=1, base_url=BASE)
    db.commit()

    def signed_in(user):
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": "correct-horse-battery"})
        return client

    own = signed_in(org.colleague)
    assert own.post("/recognition/privacy", data={"hidden": "y"}).status_code == 303
    assert "checked" in own.get("/recognition/mine").get_data(as_text=True)

    def sees(user) -> tuple[bool, bool]:
        client = signed_in(user)
        wall = client.get("/recognition").get_data(as_text=True)
        profile = client.get(f"/people/{org.colleague.id}").get_data(as_text=True)
        return "Stayed on the line" in wall, "Stayed on the line" in profile

    assert sees(org.employee) == (False, False)
    assert sees(org.colleague) == (True, True)
    assert sees(admin) == (True, True)


APPROVALS_LINK = 'href="/recognition/approvals"'


def test_approvals_in_the_navigation_for_managers_committee_members_and_anyone_with_work(
    db, org: Org, spot, cycle, app
):
    committee = add_award(
        db, "Service Star", AwardTier.QUARTERLY, 100, ApprovalPath.COMMITTEE, [org.outsider]
    )

    def nav_of(user) -> str:
        client = app.test_client()
        login(client, user.email)
        return client.get("/ideas").get_data(as_text=True)

    assert APPROVALS_LINK in nav_of(org.manager)
    assert APPROVALS_LINK in nav_of(org.outsider)  # an employee on a committee
    assert APPROVALS_LINK not in nav_of(org.employee)
    # An employee with a step waiting for them (their committee seat since removed).
    nomination = submit(db, org.employee, org.colleague, committee)
    decide_nomination(db, org.manager, nomination.id, Decision.APPROVE, version=1, base_url=BASE)
    db.execute(delete(award_committee_members))
    db.commit()
    assert APPROVALS_LINK in nav_of(org.outsider)
    assert APPROVALS_LINK not in nav_of(org.employee)


def test_the_approvals_link_costs_one_statement_whatever_the_queue(
    db, org: Org, spot, cycle, login_as, count_statements, admin
):
    # The admin decides the first step for the director, who has no manager: never skipped.
    committee = add_award(
        db, "Service Star", AwardTier.QUARTERLY, 100, ApprovalPath.COMMITTEE, [org.outsider]
    )
    client = login_as(org.outsider)

    def statements() -> int:
        with count_statements() as counter:
            assert APPROVALS_LINK in client.get("/recognition").get_data(as_text=True)
        return counter.count

    few = statements()
    for person in (org.employee, org.colleague, org.manager, org.director):
        submit(db, org.other_manager, person, committee)
    assert statements() == few
