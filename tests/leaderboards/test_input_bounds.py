"""Leaderboard filters from the address bar (dates in range, ids or nothing) and its CSV."""

from __future__ import annotations

import pytest

from portal.core.spreadsheets import spreadsheet_cell
from tests.core.test_spreadsheets import HOSTILE_NAMES, names_in
from tests.leaderboards.test_leaderboards import award_to
from tests.recognition.conftest import Org


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        ("1999-12-31", "2026-01-31", "first"),
        ("0001-01-01", "2026-01-31", "first"),
        ("2026-01-01", "9999-12-31", "last"),
    ],
)
def test_custom_days_out_of_range_are_refused_beside_the_field(
    admin, login_as, cycle, first: str, last: str, field: str
) -> None:
    client = login_as(admin)
    query = {"period": "custom", "first": first, "last": last}
    page = client.get("/admin/leaderboards", query_string=query).get_data(as_text=True)
    assert f'id="{field}-error">Give a date from 2000-01-01 to ' in page
    assert f'value="{query[field]}"' in page
    exported = client.get("/admin/leaderboards.csv", query_string=query)
    assert exported.status_code == 422


def test_an_unreadable_custom_day_is_refused(admin, login_as, cycle) -> None:
    query = {"period": "custom", "first": "99999-12-31", "last": "2026-01-31"}
    page = login_as(admin).get("/admin/leaderboards", query_string=query).get_data(as_text=True)
    assert 'id="first-error">Not a valid date value.' in page


@pytest.mark.parametrize("typed", ["²", "\uff11", "1e5", "-0", "9" * 20])
@pytest.mark.parametrize("name", ["department", "award", "cycle"])
def test_a_filter_that_is_no_id_is_ignored(
    db, org: Org, spot, cycle, admin, login_as, name: str, typed: str
) -> None:
    award_to(db, org.employee, org.colleague, spot, org.manager)
    client = login_as(admin)
    query = {"period": "year", name: typed}
    page = client.get("/admin/leaderboards", query_string=query)
    assert page.status_code == 200
    assert '<th scope="row">Casey Colleague</th>' in page.get_data(as_text=True)
    assert "Casey Colleague" in client.get("/admin/leaderboards.csv", query_string=query).text


def test_the_leaderboard_export_quotes_formulas(
    db, org: Org, spot, cycle, admin, login_as, make_user
):
    for number, name in enumerate(HOSTILE_NAMES):
        nominee = make_user(f"formula{number}@example.com", manager=org.manager, name=name)
        award_to(db, org.employee, nominee, spot, org.manager)
    text = login_as(admin).get("/admin/leaderboards.csv?period=year").get_data(as_text=True)
    names = names_in(text, "name")
    assert names == {spreadsheet_cell(name) for name in HOSTILE_NAMES}
    assert all(name.startswith("'") for name in names)
