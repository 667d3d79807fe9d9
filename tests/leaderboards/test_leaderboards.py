"""Leaderboards and the equity view: rankings, periods, filters, CSV, SVG, statement counts."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.db import utcnow
from portal.core.pagination import encode_cursor
from portal.leaderboards import equity as equity_module
from portal.leaderboards.periods import Period, calendar_range
from portal.leaderboards.queries import (
    PAGE_SIZE,
    Grouping,
    LeaderboardFilters,
    get_leaderboard,
)
from portal.recognition.models import Nomination, NominationStatus
from portal.recognition.services.deciding import Decision, decide_nomination
from portal.recognition.services.nominating import nominate
from portal.reviews.queries import get_open_cycle
from tests.recognition.conftest import Org, add_award, request_for

BASE = "http://portal.test"


def award_to(db: Session, nominator, nominee, award, approver) -> Nomination:
    [nomination] = nominate(
        db,
        nominator,
        request_for(nominee, award),
        get_open_cycle(db),
        monthly_limit=500,
        base_url=BASE,
    )
    decide_nomination(
        db, approver, nomination.id, Decision.APPROVE, version=nomination.version, base_url=BASE
    )
    db.commit()
    return nomination


def test_calendar_periods() -> None:
    day = date(2026, 11, 23)
    assert calendar_range(Period.MONTH, day).first == date(2026, 11, 1)
    assert calendar_range(Period.MONTH, day).last == date(2026, 11, 30)
    assert calendar_range(Period.QUARTER, day).first == date(2026, 10, 1)
    assert calendar_range(Period.QUARTER, day).last == date(2026, 12, 31)
    assert calendar_range(Period.QUARTER, date(2026, 2, 1)).last == date(2026, 3, 31)
    assert calendar_range(Period.YEAR, day).last == date(2026, 12, 31)


def test_people_are_ranked_by_points_then_awards(db, org: Org, spot, quarterly, cycle):
    award_to(db, org.employee, org.colleague, spot, org.manager)
    award_to(db, org.outsider, org.colleague, add_award(db, "Listening Ear"), org.manager)
    quarterly_win = award_to(db, org.other_manager, org.employee, quarterly, org.manager)
    decide_nomination(
        db, org.director, quarterly_win.id, Decision.APPROVE, version=2, base_url=BASE
    )
    db.commit()
    board = get_leaderboard(db, LeaderboardFilters(period=Period.CYCLE, cycle_id=cycle.id))
    assert [(s.name, s.awards, s.points, s.nominators) for s in board.standings] == [
        ("Emery Employee", 1, 100, 1),
        ("Casey Colleague", 2, 50, 2),
    ]


def test_teams_and_departments_with_points_per_head(db, org: Org, spot, cycle, make_user):
    claims = make_user("claims@example.com", department="Claims", manager=org.other_manager)
    award_to(db, org.employee, org.colleague, spot, org.manager)
    award_to(db, org.employee, claims, spot, org.other_manager)
    teams = get_leaderboard(db, LeaderboardFilters(period=Period.YEAR, grouping=Grouping.TEAMS))
    assert sorted((s.name, s.points) for s in teams.standings) == [
        ("Morgan Manager", 25),
        ("Olive Other", 25),
    ]
    departments = get_leaderboard(
        db, LeaderboardFilters(period=Period.YEAR, grouping=Grouping.DEPARTMENTS)
    )
    per_head = {s.name: (s.headcount, s.points_per_head) for s in departments.standings}
    assert per_head["Claims"] == (1, 25.0)
    assert per_head["Customer Experience"] == (6, 4.2)


def test_filters_by_department_and_award(db, org: Org, spot, cycle, make_user):
    other = add_award(db, "Calm in the Storm")
    claims = make_user("claims@example.com", department="Claims", manager=org.other_manager)
    award_to(db, org.employee, org.colleague, spot, org.manager)
    award_to(db, org.employee, claims, other, org.other_manager)
    by_award = get_leaderboard(db, LeaderboardFilters(period=Period.YEAR, award_id=other.id))
    assert [s.name for s in by_award.standings] == [claims.display_name]
    by_department = get_leaderboard(
        db, LeaderboardFilters(period=Period.YEAR, department_id=org.colleague.department_id)
    )
    assert [s.name for s in by_department.standings] == ["Casey Colleague"]


def test_a_custom_period_outside_the_awards_is_empty(db, org: Org, spot, cycle):
    award_to(db, org.employee, org.colleague, spot, org.manager)
    board = get_leaderboard(
        db,
        LeaderboardFilters(period=Period.CUSTOM, first=date(2000, 1, 1), last=date(2000, 12, 31)),
    )
    assert board.standings == []


def test_the_leaderboard_page_table_svg_csv_and_fragment(
    db, org: Org, spot, cycle, admin, login_as
):
    award_to(db, org.employee, org.colleague, spot, org.manager)
    client = login_as(admin)
    page = client.get("/admin/leaderboards?period=year").get_data(as_text=True)
    assert '<th scope="row">Casey Colleague</th>' in page
    assert '<rect x="150"' in page and "style=" not in page.split("<svg", 1)[1]
    for label in ("Rank", "Period", "Review cycle", "Department", "Award", "From", "To"):
        assert f">{label}</label>" in page
    fragment = client.get("/admin/leaderboards?period=year", headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith('<section id="leaderboard"')
    exported = client.get("/admin/leaderboards.csv?period=year").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert rows[0]["name"] == "Casey Colleague" and rows[0]["points"] == "25"


def test_a_bad_custom_period_says_so_beside_the_field(db, admin, login_as, cycle):
    page = login_as(admin).get("/admin/leaderboards?period=custom&first=2026-12-01&last=2026-01-01")
    assert "Give a first day on or before the last day." in page.get_data(as_text=True)


def test_the_leaderboard_runs_a_fixed_number_of_statements(
    db, org: Org, cycle, admin, login_as, count_statements, make_user
):
    client = login_as(admin)
    awards = [add_award(db, f"Award {number}") for number in range(6)]
    award_to(db, org.employee, org.colleague, awards[0], org.manager)

    def statements(grouping: str) -> int:
        with count_statements() as counter:
            client.get(f"/admin/leaderboards?period=year&grouping={grouping}")
        return counter.count

    few = {grouping: statements(grouping) for grouping in ("people", "teams", "departments")}
    for number, award in enumerate(awards[1:]):
        nominee = make_user(f"star{number}@example.com", manager=org.manager)
        award_to(db, org.employee, nominee, award, org.manager)
    assert {grouping: statements(grouping) for grouping in few} == few


def test_the_equity_view(db, org: Org, spot, cycle, admin, login_as):
    award_to(db, org.employee, org.colleague, spot, org.manager)
    for award in (add_award(db, "A"), add_award(db, "B")):
        award_to(db, org.employee, org.colleague, award, org.manager)
    page = login_as(admin).get("/admin/equity").get_data(as_text=True)
    # Seven people in the department (the admin too); one of them recognised.
    assert (
        '<th scope="row">Customer Experience</th><td data-label="People">7</td>'
        '<td data-label="Recognised">1</td><td data-label="Share">14%</td>'
    ) in page
    assert (
        '<th scope="row">Emery Employee</th><td data-label="Nominations">3</td>'
        '<td data-label="Most went to">Casey Colleague</td><td data-label="Share">100%</td>'
    ) in page
    unrecognised = page.split("Not yet recognised this cycle", 1)[1]
    assert (
        "Oscar Outsider" in unrecognised
        and "Casey Colleague" not in unrecognised.split("Integrity flags")[0]
    )


def test_the_unrecognised_come_a_page_at_a_time(db, org: Org, cycle, admin, login_as, monkeypatch):
    monkeypatch.setattr(equity_module, "UNRECOGNISED_PAGE", 2)
    client = login_as(admin)
    seen: list[str] = []
    address = "/admin/equity"
    for _ in range(10):
        page = client.get(address).get_data(as_text=True)
        listed = page.split("Not yet recognised this cycle", 1)[1].split("Integrity flags")[0]
        seen += re.findall(r'/people/\d+">([^<]+)</a>', listed)
        found = re.search(r'rel="next" href="([^"]+)"', listed)
        if found is None:
            break
        address = found.group(1).replace("&amp;", "&")
    active = db.scalars(select(User.display_name).where(User.active.is_(True))).all()
    assert sorted(seen) == sorted(active) and len(seen) == len(set(seen))
    # A forged cursor is the first page, not an error.
    for forged in ([1, 2], ["Ann", 2**40], ["\x00", 1], ["Ann"]):
        assert client.get(f"/admin/equity?after={encode_cursor(forged)}").status_code == 200
    assert client.get("/admin/equity?after=%5B1%2C2%5D").status_code == 200


def test_managers_see_their_reports_not_yet_recognised(db, org: Org, spot, cycle, login_as):
    award_to(db, org.employee, org.colleague, spot, org.manager)
    page = login_as(org.manager).get("/recognition/team").get_data(as_text=True)
    listed = page.split("Not yet recognised", 1)[1]
    assert "Emery Employee" in listed
    assert "Casey Colleague" not in listed and "Oscar Outsider" not in listed


def approve_in_bulk(db: Session, nominator, nominees, award, cycle) -> None:
    """Approved nominations inserted in one statement, as the approval flow leaves them."""
    db.execute(
        insert(Nomination),
        [
            {
                "nominator_id": nominator.id,
                "nominee_id": nominee.id,
                "award_id": award.id,
                "cycle_id": cycle.id,
                "citation": "Calmed a caller down.",
                "status": NominationStatus.APPROVED,
                "decided_at": utcnow(),
            }
            for nominee in nominees
        ],
    )
    db.commit()


def test_pages_of_standings_follow_each_other_through_ties(db, org: Org, spot, cycle):
    big = add_award(db, "Service Star", points=100)
    award_to(db, org.employee, org.colleague, big, org.manager)
    approve_in_bulk(db, org.director, [org.employee, org.outsider, org.other_manager], spot, cycle)
    filters = LeaderboardFilters(period=Period.YEAR)
    everyone = get_leaderboard(db, filters, limit=None).standings
    seen, cursor = [], None
    while True:
        board = get_leaderboard(db, filters, cursor=cursor, limit=2)
        seen.extend(board.standings)
        cursor = board.next_cursor
        if cursor is None:
            break
    assert seen == everyone
    assert [standing.rank for standing in seen] == [1, 2, 3, 4]
    assert seen[0].name == "Casey Colleague"
    # The three tied on 25 points come by name.
    assert [s.name for s in seen[1:]] == ["Emery Employee", "Olive Other", "Oscar Outsider"]


def test_the_leaderboard_page_links_to_the_next_and_the_csv_has_every_rank(
    db, org: Org, spot, cycle, admin, login_as, make_user
):
    people = [make_user(f"star{number:02}@example.com") for number in range(PAGE_SIZE + 5)]
    approve_in_bulk(db, org.director, people, spot, cycle)
    client = login_as(admin)
    first = client.get("/admin/leaderboards?period=year&grouping=people")
    html = first.get_data(as_text=True)
    assert html.count('<th scope="row">') == PAGE_SIZE
    after = re.search(r'<a rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "period=year" in after and "grouping=people" in after
    second = client.get(after).get_data(as_text=True)
    assert second.count('<th scope="row">') == 5
    assert f"<td>{PAGE_SIZE + 1}</td>" in second
    assert 'rel="next"' not in second
    exported = client.get("/admin/leaderboards.csv?period=year").get_data(as_text=True)
    assert len(list(csv.DictReader(io.StringIO(exported)))) == PAGE_SIZE + 5


def test_every_grouping_pages_to_the_same_standings_as_one_list(
    db, org: Org, spot, cycle, make_user
):
    claims = make_user("claims@example.com", department="Claims", manager=org.other_manager)
    approve_in_bulk(
        db, org.director, [org.employee, org.colleague, org.outsider, claims], spot, cycle
    )
    approve_in_bulk(db, org.manager, [org.director], spot, cycle)  # a nominee with no manager
    for grouping in Grouping:
        filters = LeaderboardFilters(period=Period.YEAR, grouping=grouping)
        everyone = get_leaderboard(db, filters, limit=None).standings
        seen, cursor = [], None
        while True:
            board = get_leaderboard(db, filters, cursor=cursor, limit=1)
            seen.extend(board.standings)
            if board.next_cursor is None:
                break
            cursor = board.next_cursor
        assert seen == everyone and len(everyone) >= 2, grouping
