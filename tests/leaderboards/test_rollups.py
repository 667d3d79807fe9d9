"""The recognition summary rows: equal to a recount after concurrent nominations and
decisions, and the equity and leaderboard pages in the same statements at 5 and 500 rows."""

from __future__ import annotations

import itertools
import threading

from sqlalchemy import insert
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.db import utcnow
from portal.leaderboards.rollups import rebuild_rollups, verify_rollups
from portal.recognition.models import Nomination, NominationStatus
from portal.recognition.services.deciding import Decision, decide_nomination
from portal.recognition.services.nominating import nominate
from portal.reviews.queries import get_open_cycle
from tests.leaderboards.test_leaderboards import BASE, award_to
from tests.recognition.conftest import Org, add_award, request_for

THREADS = 6


def test_concurrent_nominations_and_decisions_keep_the_rollups_exact(
    db, database, org: Org, spot, cycle, make_user
):
    """Six people nominate the same two colleagues at once, then their manager approves."""
    nominators = [make_user(f"giver{number}@example.com") for number in range(THREADS)]
    nominees = [org.employee, org.colleague]
    awards = [spot, add_award(db, "Listening Ear")]
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def nominate_all(nominator_id: int) -> None:
        try:
            start.wait()
            for nominee, award in itertools.product(nominees, awards):
                with database.write_sessions() as session:
                    nominator = session.get(User, nominator_id)
                    nominate(
                        session,
                        nominator,
                        request_for(nominee, award),
                        get_open_cycle(session),
                        monthly_limit=500,
                        base_url=BASE,
                    )
                    session.commit()
        except BaseException as error:  # any failure must fail the test, not vanish
            errors.append(error)

    threads = [threading.Thread(target=nominate_all, args=(giver.id,)) for giver in nominators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    db.expire_all()
    assert verify_rollups(db) == []

    for nomination in db.query(Nomination).order_by(Nomination.id).limit(8):
        decide_nomination(
            db,
            org.manager,
            nomination.id,
            Decision.APPROVE,
            version=nomination.version,
            base_url=BASE,
        )
    db.commit()
    assert verify_rollups(db) == []


def bulk_approved(db: Session, pairs, award, cycle) -> None:
    db.execute(
        insert(Nomination),
        [
            {
                "nominator_id": giver.id,
                "nominee_id": receiver.id,
                "award_id": award.id,
                "cycle_id": cycle.id,
                "citation": "Calmed a caller down.",
                "status": NominationStatus.APPROVED,
                "decided_at": utcnow(),
            }
            for giver, receiver in pairs
        ],
    )
    rebuild_rollups(db)
    db.commit()


def test_equity_and_leaderboards_run_the_same_statements_at_5_and_500_nominations(
    db, org: Org, spot, cycle, admin, login_as, count_statements, make_user
):
    people = [make_user(f"person{number}@example.com", manager=org.manager) for number in range(25)]
    bulk_approved(db, [(people[0], receiver) for receiver in people[1:6]], spot, cycle)
    client = login_as(admin)
    manager = login_as(org.manager)
    paths = [
        "/admin/equity",
        "/admin/leaderboards?period=year",
        "/admin/leaderboards?period=year&grouping=teams",
        "/admin/leaderboards?period=year&grouping=departments",
        "/admin/leaderboards.csv?period=year",
    ]

    def counts() -> list[int]:
        found = []
        for path in paths:
            with count_statements() as counter:
                assert client.get(path).status_code == 200
            found.append(counter.count)
        with count_statements() as counter:
            assert manager.get("/recognition/team").status_code == 200
        return [*found, counter.count]

    few = counts()
    others = [add_award(db, f"Award {number}") for number in range(3)]
    pairs = [(giver, receiver) for giver in people for receiver in people if giver != receiver]
    for award in others:
        bulk_approved(db, pairs[: 495 // len(others)], award, cycle)
    award_to(db, org.employee, org.colleague, spot, org.manager)
    assert verify_rollups(db) == []
    assert counts() == few
