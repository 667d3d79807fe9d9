"""The review CSV export is safe to open in a spreadsheet."""

from __future__ import annotations

import json

import pytest

from portal.accounts.models import User
from portal.core.spreadsheets import csv_text, spreadsheet_cell
from portal.reviews import queries
from portal.reviews.exports import download_name
from portal.reviews.queries import list_cycle_packets
from portal.reviews.services import close_cycle
from tests.core.test_spreadsheets import HOSTILE_NAMES, names_in
from tests.recognition.conftest import Org
from tests.reviews.test_packets import award_to


def test_the_review_export_quotes_formulas(db, org: Org, cycle, admin, login_as, make_user):
    for number, name in enumerate(HOSTILE_NAMES):
        make_user(f"formula{number}@example.com", name=name)
    text = login_as(admin).get(f"/reviews/{cycle.id}/export.csv").get_data(as_text=True)
    names = names_in(text, "name")
    for name in HOSTILE_NAMES:
        assert spreadsheet_cell(name) in names
        assert spreadsheet_cell(name).startswith("'")


def test_exports_carry_the_period_in_the_file_name(db, org: Org, cycle, admin, login_as):
    client = login_as(admin)
    period = f"{cycle.starts_on.isoformat()}-to-{cycle.ends_on.isoformat()}"
    for extension in ("csv", "json"):
        response = client.get(f"/reviews/{cycle.id}/export.{extension}")
        assert response.headers["Content-Disposition"] == (
            f"attachment; filename=review-cycle-current-{period}.{extension}"
        )
        response.close()  # a streamed body holds its request open until read or closed
    response = client.get("/admin/leaderboards.csv?period=custom&first=2026-01-01&last=2026-03-31")
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=leaderboard-2026-01-01-to-2026-03-31.csv"
    )


def test_file_names_are_slugs() -> None:
    assert download_name("leaderboard", 'Q4 "2026"; rm -rf /', "csv") == (
        "leaderboard-q4-2026-rm-rf.csv"
    )


def _old_exports(packets) -> tuple[str, str]:
    """The CSV and JSON as built before streaming: the whole list at once."""
    return (
        csv_text(queries.CSV_COLUMNS, [queries.packet_row(packet) for packet in packets]),
        json.dumps([packet.to_dict() for packet in packets], indent=2),
    )


@pytest.mark.parametrize("closed", [False, True])
def test_streamed_exports_are_the_same_bytes_as_before(
    db, org: Org, spot, cycle, admin, login_as, make_user, monkeypatch, closed
):
    for number in range(7):
        make_user(f"batch{number}@example.com", name=f"=Batch {number % 3}")
    award_to(db, org.employee, org.colleague, spot, org.manager)
    if closed:
        close_cycle(db, admin, cycle.id)
        db.commit()
    client = login_as(admin)
    expected = _old_exports(list_cycle_packets(db, cycle.id))
    db.commit()
    monkeypatch.setattr(queries, "EXPORT_BATCH", 3)
    for extension, old in zip(("csv", "json"), expected, strict=True):
        response = client.get(f"/reviews/{cycle.id}/export.{extension}")
        assert response.is_streamed
        assert response.get_data(as_text=True) == old
    assert json.loads(expected[1])


def test_an_export_of_no_packets_is_an_empty_list() -> None:
    assert "".join(queries.packets_as_json(iter(()))) == "[]"
    assert "".join(queries.packets_as_csv(iter(()))) == ",".join(queries.CSV_COLUMNS) + "\r\n"


def test_exports_read_a_fixed_number_of_statements_per_batch(
    db, org: Org, cycle, admin, login_as, make_user, count_statements, monkeypatch
):
    monkeypatch.setattr(queries, "EXPORT_BATCH", 5)
    client = login_as(admin)
    added = 0

    def people_to_a_multiple_of_five(extra: int) -> None:
        nonlocal added
        while extra or db.query(User).count() % 5:
            make_user(f"many{added}@example.com", manager=org.manager)
            added, extra = added + 1, max(extra - 1, 0)

    def statements(extension: str) -> int:
        with count_statements() as counter:
            response = client.get(f"/reviews/{cycle.id}/export.{extension}")
            response.get_data()  # the body streams: its statements run as it is read
        return counter.count

    people_to_a_multiple_of_five(0)
    first = {extension: statements(extension) for extension in ("csv", "json")}
    people_to_a_multiple_of_five(5)
    second = {extension: statements(extension) for extension in ("csv", "json")}
    people_to_a_multiple_of_five(100)
    for extension in ("csv", "json"):
        per_batch = second[extension] - first[extension]
        assert 0 < per_batch <= 7
        assert statements(extension) == first[extension] + 21 * per_batch
