"""The review CSV export is safe to open in a spreadsheet."""

from __future__ import annotations

from portal.core.spreadsheets import spreadsheet_cell
from portal.reviews.exports import download_name
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


def test_exports_carry_the_period_in_the_file_name(db, org: Org, cycle, admin, login_as):
    client = login_as(admin)
    period = f"{cycle.starts_on.isoformat()}-to-{cycle.ends_on.isoformat()}"
    for extension in ("csv", "json"):
        response = client.get(f"/reviews/{cycle.id}/export.{extension}")
        assert response.headers["Content-Disposition"] == (
            f"attachment; filename=review-cycle-current-{period}.{extension}"
        )
    response = client.get("/admin/leaderboards.csv?period=custom&first=2026-01-01&last=2026-03-31")
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=leaderboard-2026-01-01-to-2026-03-31.csv"
    )


def test_file_names_are_slugs() -> None:
    assert download_name("leaderboard", 'Q4 "2026"; rm -rf /', "csv") == (
        "leaderboard-q4-2026-rm-rf.csv"
    )
