"""Review cycles take sensible, non-overlapping days; any stored cycle still builds and closes."""

from __future__ import annotations

import csv
import io
import json
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, insert, select

from portal.core.db import utcnow
from portal.core.errors import DomainError
from portal.reviews.models import ReviewCycle, ReviewPacket
from portal.reviews.services import close_cycle, create_cycle
from tests.recognition.conftest import Org
from tests.reviews.conftest import NOW, add_idea


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field"),
    [
        (date(1999, 12, 31), date(2000, 6, 30), "starts_on"),
        (date(1, 1, 1), date(2026, 6, 30), "starts_on"),
        (date(2026, 1, 1), date(9999, 12, 31), "ends_on"),
        (date(2026, 1, 1), utcnow().date() + timedelta(days=3660), "ends_on"),
    ],
)
def test_days_outside_2000_to_ten_years_ahead_are_refused(
    db, admin, starts_on: date, ends_on: date, field: str
) -> None:
    with pytest.raises(DomainError, match="Give a date from 2000-01-01 to ") as caught:
        create_cycle(db, admin, "Odd", starts_on, ends_on)
    assert caught.value.field == field
    assert db.scalar(select(func.count()).select_from(ReviewCycle)) == 0


def test_the_form_shows_the_refusal_beside_the_field_and_keeps_the_day(db, admin, login_as) -> None:
    client = login_as(admin)
    page = client.post(
        "/admin/review-cycles",
        data={"name": "Ancient", "starts_on": "0001-01-01", "ends_on": "2026-06-30"},
    ).get_data(as_text=True)
    assert 'id="starts_on-error">Give a date from 2000-01-01 to ' in page
    assert 'value="0001-01-01"' in page
    unreadable = client.post(
        "/admin/review-cycles",
        data={"name": "Far", "starts_on": "2026-01-01", "ends_on": "99999-12-31"},
    ).get_data(as_text=True)
    assert 'id="ends_on-error">Not a valid date value.' in unreadable
    assert 'value="99999-12-31"' in unreadable
    assert db.scalar(select(func.count()).select_from(ReviewCycle)) == 0


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [
        (date(2026, 6, 30), date(2026, 12, 31)),  # shares the last day
        (date(2025, 12, 1), date(2026, 1, 1)),  # shares the first day
        (date(2026, 2, 1), date(2026, 3, 1)),  # inside
        (date(2025, 1, 1), date(2027, 1, 1)),  # around
    ],
)
def test_a_cycle_overlapping_another_is_refused(db, admin, starts_on: date, ends_on: date):
    create_cycle(db, admin, "H1 2026", date(2026, 1, 1), date(2026, 6, 30))
    with pytest.raises(DomainError, match="These days overlap H1 2026") as caught:
        create_cycle(db, admin, "Overlapping", starts_on, ends_on)
    assert caught.value.field == "starts_on"


def test_adjacent_cycles_and_overlap_with_closed_ones(db, admin) -> None:
    first = create_cycle(db, admin, "H1 2026", date(2026, 1, 1), date(2026, 6, 30))
    create_cycle(db, admin, "H2 2026", date(2026, 7, 1), date(2026, 12, 31))
    close_cycle(db, admin, first.id)
    with pytest.raises(DomainError, match="overlap H1 2026"):
        create_cycle(db, admin, "Q2 2026", date(2026, 4, 1), date(2026, 6, 30))


def test_the_form_says_which_cycle_overlaps(db, admin, login_as) -> None:
    create_cycle(db, admin, "H1 2026", date(2026, 1, 1), date(2026, 6, 30))
    db.commit()
    page = login_as(admin).post(
        "/admin/review-cycles",
        data={"name": "Q2", "starts_on": "2026-04-01", "ends_on": "2026-06-30"},
    )
    assert "These days overlap H1 2026 (2026-01-01 to 2026-06-30)." in page.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(ReviewCycle)) == 1


def test_two_admins_adding_overlapping_cycles_at_once_add_one(db, database, admin) -> None:
    db.commit()
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def add(number: int) -> None:
        with database.write_sessions() as session:
            start.wait()
            try:
                create_cycle(
                    session, admin, f"Cycle {number}", date(2026, 1, number), date(2026, 6, 30)
                )
                session.commit()
                outcomes.append("added")
            except DomainError as error:
                session.rollback()
                outcomes.append(error.message[:25])
            except BaseException as error:  # any other failure must fail the test
                outcomes.append(repr(error))

    threads = [threading.Thread(target=add, args=(number,)) for number in range(1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["These days overlap Cycle "] * 3 + ["added"]
    assert db.scalar(select(func.count()).select_from(ReviewCycle)) == 1


@pytest.fixture
def odd_cycle(db, org: Org) -> int:
    """A cycle stored by an older version that took any days at all."""
    add_idea(db, org.colleague, "Long-lived idea", implemented_at=NOW, voters=[org.employee])
    cycle_id = db.execute(
        insert(ReviewCycle)
        .values(name="Forever", starts_on=date(1, 1, 1), ends_on=date(9999, 12, 31))
        .returning(ReviewCycle.id)
    ).scalar_one()
    db.commit()
    return cycle_id


def test_packets_of_a_cycle_with_extreme_days_build(db, org: Org, odd_cycle: int, login_as):
    client = login_as(org.manager)
    packet = client.get(f"/reviews/{odd_cycle}/people/{org.colleague.id}")
    assert packet.status_code == 200
    assert "Long-lived idea" in packet.get_data(as_text=True)
    assert client.get(f"/reviews?cycle={odd_cycle}").status_code == 200


def test_exports_and_closing_of_a_cycle_with_extreme_days_work(
    db, org: Org, odd_cycle: int, admin, login_as
) -> None:
    client = login_as(admin)
    exported = client.get(f"/reviews/{odd_cycle}/export.csv")
    rows = {row["email"]: row for row in csv.DictReader(io.StringIO(exported.get_data(True)))}
    assert rows["colleague@example.com"]["ideas_implemented"] == "1"
    assert client.get(f"/reviews/{odd_cycle}/export.json").status_code == 200
    closed = client.post(f"/admin/review-cycles/{odd_cycle}/close")
    assert closed.status_code == 303
    frozen = db.scalars(
        select(ReviewPacket.content).where(ReviewPacket.user_id == org.colleague.id)
    )
    assert frozen.one()["votes_received"] == 1
    assert "Forever" in client.get("/admin/review-cycles").get_data(as_text=True)
    assert json.loads(client.get(f"/reviews/{odd_cycle}/export.json").get_data(True))
