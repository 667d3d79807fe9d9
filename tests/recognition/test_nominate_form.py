"""The nomination form: Recognise links prefill it, names work as well as emails, team chips,
award cards spot first with who approves them, and bounded, untrusted parameters."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from portal.recognition.models import ApprovalPath, AwardTier
from portal.recognition.services.nominating import NominationRefused, find_by_name
from tests.recognition.conftest import Org, add_award
from tests.recognition.test_steps import as_ as signed_in


def colleague_value(body: str) -> str:
    field = re.search(r'<input[^>]*id="colleague"[^>]*>', body)
    assert field is not None
    value = re.search(r'value="([^"]*)"', field.group(0))
    return value.group(1) if value else ""


def page(client, **params) -> str:
    query = urlencode(params, doseq=True)
    response = client.get(f"/recognition/nominate?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_recognise_link_prefills_the_colleague(login_as, org: Org, spot, cycle):
    body = page(login_as(org.employee), colleague="Colleague@Example.com")
    assert 'value="colleague@example.com"' in body


def test_a_team_link_prefills_everyone_and_the_evidence(login_as, org: Org, spot, cycle):
    body = page(
        login_as(org.employee),
        colleague=["colleague@example.com", "outsider@example.com", "nobody@example.com"],
        evidence="Cut call-backs by 30%.",
    )
    assert colleague_value(body) == "colleague@example.com"
    assert 'value="outsider@example.com"' in body and "nobody@example.com" not in body
    assert '<li class="chip">Casey Colleague</li>' in body
    assert '<li class="chip">Oscar Outsider</li>' in body
    assert "Cut call-backs by 30%.</textarea>" in body


def test_untrusted_parameters_are_bounded(login_as, org: Org, spot, cycle):
    body = page(
        login_as(org.employee),
        colleague=["employee@example.com", "x" * 300 + "@example.com", "<script>@x"],
        evidence="e" * 6000,
    )
    assert colleague_value(body) == ""  # not yourself, nothing forged
    assert "e" * 5000 + "</textarea>" in body and "e" * 5001 not in body
    assert "<script>@x" not in body


def test_awards_are_cards_spot_first_with_their_approvers(login_as, org: Org, db, cycle):
    add_award(db, "Annual Gold", AwardTier.ANNUAL, 500, ApprovalPath.COMMITTEE)
    add_award(db, "Quarter Star", AwardTier.QUARTERLY, 100, ApprovalPath.MANAGER_THEN_SKIP)
    add_award(db, "Thanks", AwardTier.SPOT, 10)
    body = page(login_as(org.employee))
    assert body.index("Thanks") < body.index("Quarter Star") < body.index("Annual Gold")
    assert "Annual award · 500 points" in body
    assert "Approved by their manager, then the awards committee" in body


def test_team_chips_show_teammates_and_reports(app, org: Org, spot, cycle):
    body = page(signed_in(app, org.employee))
    assert 'data-colleague="colleague@example.com"' in body
    assert 'data-colleague="outsider@example.com"' not in body
    body = page(signed_in(app, org.manager))
    assert 'data-colleague="employee@example.com"' in body  # a direct report
    assert 'data-colleague="other.manager@example.com"' in body  # same manager


def test_a_name_finds_the_one_person(db, org: Org, make_user):
    assert find_by_name(db, "casey colleague").id == org.colleague.id
    assert find_by_name(db, "Oscar").id == org.outsider.id
    make_user("casey.two@example.com", name="Casey Second")
    with pytest.raises(NominationRefused) as ambiguous:
        find_by_name(db, "Casey")
    assert "Casey Colleague (colleague@example.com)" in ambiguous.value.message
    assert "Casey Second (casey.two@example.com)" in ambiguous.value.message
    with pytest.raises(NominationRefused) as unknown:
        find_by_name(db, "Zed 100%_")
    assert "Nobody active in the portal is called “Zed 100%_”" in unknown.value.message


def test_nominating_by_name_works_through_the_form(login_as, db, org: Org, spot, cycle):
    client = login_as(org.employee)
    response = client.post(
        "/recognition/nominate",
        data={
            "colleague": "Casey Colleague",
            "award": str(spot.id),
            "traits": ["patience"],
            "citation": "Sorted the claim.",
        },
    )
    assert response.status_code == 303
    response = client.post(
        "/recognition/nominate",
        data={
            "colleague": "Nobody Here",
            "award": str(spot.id),
            "traits": ["patience"],
            "citation": "x",
        },
    )
    assert "Nobody active in the portal is called" in response.get_data(as_text=True)


def test_the_form_runs_a_fixed_number_of_statements(
    login_as, db, org: Org, spot, cycle, count_statements, make_user
):
    client = login_as(org.manager)

    def statements() -> int:
        with count_statements() as counter:
            page(client, colleague=["colleague@example.com", "employee@example.com"])
        return counter.count

    few = statements()
    for number in range(15):
        make_user(f"report{number}@example.com", manager=org.manager)
        add_award(db, f"Award {number}")
    assert statements() == few


def test_profiles_and_the_directory_have_recognise_links(login_as, org: Org):
    client = login_as(org.employee)
    link = 'href="/recognition/nominate?colleague=colleague@example.com"'
    profile = client.get(f"/people/{org.colleague.id}").get_data(as_text=True)
    assert link in profile and ">Recognise</a>" in profile
    own = client.get(f"/people/{org.employee.id}").get_data(as_text=True)
    assert ">Recognise</a>" not in own
    directory = client.get("/people?q=casey").get_data(as_text=True)
    assert link in directory and "Recognise<span" in directory
