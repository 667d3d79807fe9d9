"""The packet page: a Print button for JavaScript to show, the customer's own words with each
award, and the name "Review packets"."""

from __future__ import annotations

from portal.recognition.services.deciding import Decision, decide_nomination
from portal.reviews.packets import Packet
from tests.recognition.conftest import Org
from tests.recognition.test_views import BASE, submit


def test_the_packet_shows_the_customers_words_and_a_print_button(
    db, org: Org, spot, cycle, login_as
):
    nomination = submit(
        db, org.employee, org.colleague, spot, customer_words="You made my week, thank you!"
    )
    decide_nomination(db, org.manager, nomination.id, Decision.APPROVE, version=1, base_url=BASE)
    db.commit()
    page = login_as(org.colleague).get(f"/reviews/{cycle.id}/people/{org.colleague.id}")
    body = page.get_data(as_text=True)
    assert "You made my week, thank you!" in body
    assert '<button type="button" class="button print-button" data-print hidden>Print</button>' in (
        body
    )
    assert ">Review packets</a>" in body and "<h1>Review packet: Casey Colleague" in body


def test_packets_frozen_before_the_customers_words_still_load() -> None:
    award = {
        "award": "Customer Hero",
        "tier": "spot",
        "points": 25,
        "citation": "Helped.",
        "traits": ["patience"],
        "nominator": "Emery Employee",
        "approved_on": "2026-01-02",
    }
    content = {
        "cycle_id": 1,
        "cycle_name": "Q1",
        "user_id": 1,
        "name": "Casey",
        "email": "c@example.com",
        "department": "",
        "job_title": "",
        "awards": [award],
        "points": 25,
        "traits_covered": [],
        "traits_missing": [],
        "distinct_nominators": 1,
        "team_median_nominators": 1,
        "ideas_submitted": 0,
        "ideas_implemented": 0,
        "votes_received": 0,
        "ideas": [],
    }
    try:
        packet = Packet.from_dict(content)
    except TypeError as error:  # the packet gained a field since: fill it the way it reads
        raise AssertionError(f"Packet.from_dict needs {error}") from error
    assert packet.awards[0].customer_words == ""
