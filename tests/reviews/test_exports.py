"""The review CSV export is safe to open in a spreadsheet."""

from __future__ import annotations

from portal.core.spreadsheets import spreadsheet_cell
from tests.core.test_spreadsheets import HOSTILE_NAMES, names_in
from tests.recognition.conftest import Org


def test_the_review_export_quotes_formulas(db, org: Org, cycle, admin, login_as, make_user):
    for number, name in enumerate(HOSTILE_NAMES):
        make_user(f"formula{number}@example.com", name=name)
    text = login_as(admin).get(f"/reviews/{cycle.id}/export.csv").get_data(as_text=True)
    names = names_in(text, "name")
    for name in HOSTILE_NAMES:
        assert spreadsheet_cell(name) in names
        assert spreadsheet_cell(name).startswith("'")
