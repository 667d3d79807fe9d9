"""The wall at 5 and at 500 awards: the same statements, and pages that walk every award once."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy.orm import Session

from portal.core.db import utcnow
from portal.recognition.models import Nomination, NominationStatus
from tests.recognition.conftest import Org

NEXT = re.compile(r'rel="next" href="[^"]*[?&]after=([^"&]+)"')
CARD = re.compile(r'id="nomination-(\d+)"')


def add_approved(db: Session, cycle, award, people: list, count: int) -> None:
    """Approved awards inserted as they stand, several sharing a decision time."""
    now = utcnow()
    pairs = [(giver, taker) for giver in people for taker in people if giver.id != taker.id]
    db.add_all(
        Nomination(
            nominator_id=giver.id,
            nominee_id=taker.id,
            award_id=award.id,
            cycle_id=cycle.id,
            citation=f"Award {number}",
            status=NominationStatus.APPROVED,
            decided_at=now - timedelta(minutes=number // 3),
        )
        for number, (giver, taker) in enumerate(pairs[:count])
    )
    db.commit()


def test_the_wall_runs_the_same_statements_at_5_and_500_awards_and_pages_through_all(
    login_as, db, org: Org, spot, cycle, count_statements, make_user
):
    people = [make_user(f"walled{number}@example.com", manager=org.manager) for number in range(24)]
    client = login_as(org.employee)

    def page(url: str) -> tuple[str, int]:
        with count_statements() as counter:
            response = client.get(url)
            assert response.status_code == 200
        return response.get_data(as_text=True), counter.count

    def walk() -> tuple[list[int], set[int]]:
        shown, counts, url = [], set(), "/recognition"
        while url:
            html, statements = page(url)
            shown += [int(found) for found in CARD.findall(html)]
            counts.add(statements)
            after = NEXT.search(html)
            url = f"/recognition?after={after.group(1)}" if after else ""
        return shown, counts

    add_approved(db, cycle, spot, people, 5)
    few_ids, few = walk()
    add_approved(db, cycle, spot, people[::-1], 495)
    many_ids, many = walk()
    assert len(few_ids) == 5
    assert few == many and len(many) == 1
    expected = [
        nomination.id
        for nomination in sorted(
            db.query(Nomination).filter(Nomination.status == NominationStatus.APPROVED),
            key=lambda nomination: (nomination.decided_at, nomination.id),
            reverse=True,
        )
    ]
    assert many_ids == expected


def test_approvals_offer_the_awards_below_each_card_tier_in_catalogue_order() -> None:
    from types import SimpleNamespace

    from portal.core.pagination import Page
    from portal.recognition.models import AwardTier
    from portal.recognition.queries.approvals import ApprovalsPage

    tiers = [AwardTier.QUARTERLY, AwardTier.SPOT, AwardTier.ANNUAL, AwardTier.SPOT]
    awards = [
        SimpleNamespace(name=f"award {number}", tier=tier) for number, tier in enumerate(tiers)
    ]
    page = ApprovalsPage(Page([], None), awards)  # type: ignore[arg-type]
    names = {tier: [award.name for award in page.lower_than(tier)] for tier in AwardTier}
    assert names == {
        AwardTier.SPOT: [],
        AwardTier.QUARTERLY: ["award 1", "award 3"],
        AwardTier.ANNUAL: ["award 0", "award 1", "award 3"],
    }


def test_a_decision_runs_the_same_statements_at_5_and_500_awards(
    db, org: Org, spot, cycle, count_statements, make_user
):
    from portal.recognition.services.deciding import Decision, decide_nomination
    from tests.recognition.test_views import BASE, submit

    people = [
        make_user(f"decided{number}@example.com", manager=org.manager) for number in range(24)
    ]

    def statements(nominee) -> int:
        nomination = submit(db, org.employee, nominee, spot)
        with count_statements() as counter:
            decide_nomination(
                db, org.manager, nomination.id, Decision.APPROVE, version=1, base_url=BASE
            )
            db.commit()
        return counter.count

    add_approved(db, cycle, spot, people, 5)
    few = statements(people[0])
    add_approved(db, cycle, spot, people[::-1], 495)
    assert statements(people[1]) == few
