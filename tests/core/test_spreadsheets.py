"""Every CSV export quotes what a spreadsheet would run as a formula, with one set of rules."""

from __future__ import annotations

import csv
import io

import pytest

from portal.core.spreadsheets import FORMULA_STARTS, csv_text, spreadsheet_cell

HOSTILE_NAMES = [
    "=HYPERLINK(1)",
    "+1+cmd",
    "-2+cmd",
    "@SUM(A1)",
    "\tTabbed",
    "\rReturned",
    "\x01=SOH",
]


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_cell_starting_a_formula_is_quoted(start: str) -> None:
    assert spreadsheet_cell(f"{start}1+1") == "'" + f"{start}1+1".replace("\r", "\n")


def test_cells_lose_control_characters_and_keep_everything_else() -> None:
    assert spreadsheet_cell("\x01=1+1") == "'=1+1"
    assert spreadsheet_cell("Ann\x00 Lee") == "Ann Lee"
    assert spreadsheet_cell("Zoë = 1") == "Zoë = 1"
    assert spreadsheet_cell(-5) == -5
    assert spreadsheet_cell(2.5) == 2.5
    assert csv_text(["a", "b"], [["=x", 1]]) == "a,b\r\n'=x,1\r\n"


def names_in(text: str, column: str) -> set[str]:
    return {row[column] for row in csv.DictReader(io.StringIO(text))}
