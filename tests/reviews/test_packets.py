"""Review packets: what they hold, who sees them, freezing on close, exports, statement counts."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from sqlalchemy.orm import Session

from portal.core.errors import Conflict, DomainError
from portal.recognition.models import Nomination
from portal.recognition.services.deciding import Decision, decide_nomination
from portal.recognition.services.nominating import nominate
from portal.reviews.packets import build_packets
from portal.reviews.queries import get_open_cycle
from portal.reviews.services import close_cycle, create_cycle
from tests.recognition.conftest import Org, add_award, request_for
from tests.reviews.conftest import NOW, add_idea

BASE = "http://portal.test"


def award_to(db: Session, nominator, nominee, award, approver, **extra) -> Nomination:
    [nomination] = nominate(
        db,
        nominator,
        request_for(nominee, award, **extra),
        get_open_cycle(db),
        monthly_limit=500,
        base_url=BASE,
    )
    decide_nomination(
        db, approver, nomination.id, Decision.APPROVE, version=nomination.version, base_url=BASE
    )
    db.commit()
    return nomination


def test_a_packet_holds_approved_awards_traits_and_nominator_spread(db, org: Org, spot, cycle):
    second = add_award(db, "Calm in the Storm")
    award_to(db, org.employee, org.colleague, spot, org.manager, traits=["empathy", "patience"])
    award_to(db, org.outsider, org.colleague, second, org.manager, traits=["composure"])
    [rejected] = nominate(
        db,
        org.other_manager,
        request_for(org.colleague, spot),
        get_open_cycle(db),
        monthly_limit=9,
        base_url=BASE,
    )
    decide_nomination(
        db, org.manager, rejected.id, Decision.REJECT, version=1, reason="No", base_url=BASE
    )
    [packet] = build_packets(db, cycle, [org.colleague.id])
    assert [award.award for award in packet.awards] == ["Customer Hero", "Calm in the Storm"]
    assert packet.points == 50
    assert packet.traits_covered == ["patience", "empathy", "composure"]
    assert len(packet.traits_missing) == 7
    assert packet.distinct_nominators == 2
    # The manager's team: the employee (0 nominators) and the colleague (2).
    assert packet.team_median_nominators == 1.0


def test_closing_a_cycle_freezes_every_packet(db, org: Org, spot, cycle, admin, login_as):
    award_to(db, org.employee, org.colleague, spot, org.manager)
    [late] = nominate(
        db,
        org.outsider,
        request_for(org.colleague, spot),
        get_open_cycle(db),
        monthly_limit=9,
        base_url=BASE,
    )
    db.commit()
    close_cycle(db, admin, cycle.id)
    db.commit()
    with pytest.raises(Conflict):
        close_cycle(db, admin, cycle.id)
    db.rollback()
    decide_nomination(db, org.manager, late.id, Decision.APPROVE, version=1, base_url=BASE)
    db.commit()
    page = login_as(org.colleague).get(f"/reviews/{cycle.id}/people/{org.colleague.id}")
    text = page.get_data(as_text=True)
    assert "Frozen when the cycle closed." in text
    assert text.count('class="card-title"') == 1


def test_people_see_their_own_packet_managers_their_reports_admins_all(
    db, org: Org, cycle, admin, login_as, app
):
    url = f"/reviews/{cycle.id}/people/{{}}"
    cases = [
        (org.employee, org.employee, 200),
        (org.employee, org.colleague, 403),
        (org.manager, org.colleague, 200),
        (org.director, org.colleague, 200),  # indirect report
        (org.other_manager, org.colleague, 403),  # outside the reporting line
        (org.other_manager, org.outsider, 200),
        (admin, org.colleague, 200),
    ]
    for viewer, person, status in cases:
        client = app.test_client()
        client.post("/login", data={"email": viewer.email, "password": "correct-horse-battery"})
        assert client.get(url.format(person.id)).status_code == status, (viewer.email, person.email)


def test_the_reviews_page_lists_only_visible_people(db, org: Org, cycle, login_as):
    page = login_as(org.manager).get("/reviews").get_data(as_text=True)
    assert "Casey Colleague" in page and "Emery Employee" in page
    assert "Oscar Outsider" not in page and "Dana Director" not in page
    fragment = login_as(org.manager).get(
        f"/reviews?cycle={cycle.id}", headers={"HX-Request": "true"}
    )
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="review-people">')


def test_admins_export_a_cycle_as_csv_and_json(db, org: Org, spot, cycle, admin, login_as):
    award_to(db, org.employee, org.colleague, spot, org.manager)
    client = login_as(admin)
    response = client.get(f"/reviews/{cycle.id}/export.csv")
    assert response.mimetype == "text/csv"
    rows = {
        row["email"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    }
    assert rows["colleague@example.com"]["award_names"] == "Customer Hero"
    assert rows["colleague@example.com"]["points"] == "25"
    data = json.loads(client.get(f"/reviews/{cycle.id}/export.json").get_data(as_text=True))
    colleague = next(item for item in data if item["email"] == "colleague@example.com")
    assert colleague["awards"][0]["citation"].startswith("Stayed on the line")


def test_csv_export_neutralises_formulas(db, org: Org, cycle, admin, login_as, make_user):
    make_user("formula@example.com", name="=HYPERLINK(1)")
    text = login_as(admin).get(f"/reviews/{cycle.id}/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in text


def test_a_packet_runs_a_fixed_number_of_statements(
    db, org: Org, cycle, login_as, count_statements, make_user
):
    client = login_as(org.manager)
    awards = [add_award(db, f"Award {number}") for number in range(8)]
    award_to(db, org.employee, org.colleague, awards[0], org.manager)
    add_idea(db, org.colleague, "First idea", implemented_at=NOW, voters=[org.employee])

    def statements() -> int:
        with count_statements() as counter:
            response = client.get(f"/reviews/{cycle.id}/people/{org.colleague.id}")
            assert response.status_code == 200
        return counter.count

    few = statements()
    givers = [make_user(f"giver{number}@example.com", manager=org.director) for number in range(7)]
    for giver, award in zip(givers, awards[1:], strict=True):
        award_to(db, giver, org.colleague, award, org.manager)
    for number in range(8):
        add_idea(
            db,
            org.colleague,
            f"Idea {number}",
            implemented_at=NOW if number % 2 else None,
            co_authors=[org.employee],
            voters=givers,
        )
        add_idea(db, org.employee, f"Shared {number}", co_authors=[org.colleague], voters=givers)
    html = client.get(f"/reviews/{cycle.id}/people/{org.colleague.id}").get_data(as_text=True)
    assert "<dt>Votes received</dt><dd>113</dd>" in html
    assert statements() == few


def test_admins_add_cycles_with_sensible_dates(db, admin, login_as):
    client = login_as(admin)
    bad = client.post(
        "/admin/review-cycles",
        data={"name": "H1", "starts_on": "2026-06-30", "ends_on": "2026-01-01"},
    )
    assert "The last day must be on or after the first day." in bad.get_data(as_text=True)
    good = client.post(
        "/admin/review-cycles",
        data={"name": "H1", "starts_on": "2026-01-01", "ends_on": "2026-06-30"},
    )
    assert good.status_code == 303
    assert "H1" in client.get("/admin/review-cycles").get_data(as_text=True)


def test_cycle_names_are_unique(db, admin):
    create_cycle(db, admin, "FY", date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(DomainError, match="already exists"):
        create_cycle(db, admin, "FY", date(2027, 1, 1), date(2027, 12, 31))
