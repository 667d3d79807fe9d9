"""Leaderboards: people, teams and departments ranked by approved recognition."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, func, null, select
from sqlalchemy.orm import Session, aliased

from portal.accounts.models import Department, User
from portal.accounts.rollups.models import DepartmentHeadcount
from portal.core.dates import day_bounds
from portal.core.db import utcnow
from portal.core.errors import DomainError
from portal.core.inputs import check_date
from portal.core.pagination import beyond, decode_cursor, encode_cursor
from portal.core.spreadsheets import csv_text
from portal.leaderboards.periods import DateRange, Period, calendar_range
from portal.recognition.models import Award, Nomination, NominationStatus
from portal.reviews.models import ReviewCycle

PAGE_SIZE = 50


class Grouping(enum.StrEnum):
    PEOPLE = "people"
    TEAMS = "teams"
    DEPARTMENTS = "departments"


@dataclass(frozen=True)
class LeaderboardFilters:
    period: Period = Period.QUARTER
    grouping: Grouping = Grouping.PEOPLE
    cycle_id: int | None = None
    first: date | None = None
    last: date | None = None
    department_id: int | None = None
    award_id: int | None = None


@dataclass(frozen=True)
class Standing:
    rank: int
    name: str
    awards: int
    points: int
    nominators: int
    headcount: int | None

    @property
    def points_per_head(self) -> float | None:
        if not self.headcount:
            return None
        return round(self.points / self.headcount, 1)


@dataclass(frozen=True)
class Leaderboard:
    filters: LeaderboardFilters
    label: str
    standings: list[Standing]
    next_cursor: str | None
    departments: list[Department]
    awards: list[Award]
    cycles: list[ReviewCycle]

    @property
    def top_points(self) -> int:
        return max((standing.points for standing in self.standings), default=0)


def _range_of(session: Session, filters: LeaderboardFilters) -> tuple[str, ColumnElement[bool]]:
    """A label and the condition selecting the period's approved nominations."""
    if filters.period is Period.CYCLE:
        cycle = session.get(ReviewCycle, filters.cycle_id) if filters.cycle_id else None
        if cycle is None:
            raise DomainError("Choose a review cycle.", field="cycle")
        return cycle.name, Nomination.cycle_id == cycle.id
    if filters.period is Period.CUSTOM:
        check_date(filters.first, "first")
        check_date(filters.last, "last")
        if filters.first is None or filters.last is None or filters.last < filters.first:
            raise DomainError("Give a first day on or before the last day.", field="first")
        span = DateRange(filters.first, filters.last)
    else:
        span = calendar_range(filters.period, utcnow().date())
    label = f"{span.first.isoformat()} to {span.last.isoformat()}"
    starts_at, ends_before = day_bounds(span.first, span.last)
    return label, (Nomination.decided_at >= starts_at) & (Nomination.decided_at < ends_before)


AWARDS = func.count(Nomination.id).label("awards")
NOMINATORS = func.count(func.distinct(Nomination.nominator_id)).label("nominators")


def _grouped(filters: LeaderboardFilters) -> Select:
    """The standings for the chosen grouping: key, name, awards, points, nominators, heads.

    The key (the person's, manager's or department's id, 0 for "none") breaks ties between
    equal names, so every row has a unique place in the order and pages can follow each other.
    """
    nominee = aliased(User)
    award = aliased(Award)
    points = func.coalesce(func.sum(award.points), 0).label("points")
    base = (
        select()
        .select_from(Nomination)
        .join(nominee, Nomination.nominee_id == nominee.id)
        .join(award, func.coalesce(Nomination.awarded_award_id, Nomination.award_id) == award.id)
        .where(Nomination.status == NominationStatus.APPROVED)
    )
    if filters.department_id:
        base = base.where(nominee.department_id == filters.department_id)
    if filters.award_id:
        base = base.where(award.id == filters.award_id)
    if filters.grouping is Grouping.PEOPLE:
        name = nominee.display_name.label("name")
        query = base.add_columns(
            nominee.id.label("key"), name, AWARDS, points, NOMINATORS, null().label("heads")
        )
        return query.group_by(nominee.id, nominee.display_name)
    if filters.grouping is Grouping.TEAMS:
        lead = aliased(User)
        name = func.coalesce(lead.display_name, "No manager").label("name")
        query = base.outerjoin(lead, nominee.manager_id == lead.id).add_columns(
            func.coalesce(lead.id, 0).label("key"),
            name,
            AWARDS,
            points,
            NOMINATORS,
            null().label("heads"),
        )
        return query.group_by(lead.id, lead.display_name)
    # Active people per department from the headcount rows, not a count of every person.
    heads = select(
        DepartmentHeadcount.department_key, DepartmentHeadcount.people.label("heads")
    ).subquery()
    name = func.coalesce(Department.name, "No department").label("name")
    query = (
        base.outerjoin(Department, nominee.department_id == Department.id)
        .outerjoin(heads, heads.c.department_key == nominee.department_id)
        .add_columns(
            func.coalesce(Department.id, 0).label("key"),
            name,
            AWARDS,
            points,
            NOMINATORS,
            func.max(heads.c.heads).label("heads"),
        )
    )
    return query.group_by(Department.id, Department.name)


# A cursor's key: the last rank shown, then its place (negated counts, name, tie-breaking key).
CURSOR_TYPES = (int, int, int, int, str, int)


def _ranked(
    session: Session,
    filters: LeaderboardFilters,
    in_period: ColumnElement[bool],
    cursor: str | None,
    limit: int | None,
) -> tuple[list[Standing], str | None]:
    """Standings by points, then awards, then distinct nominators, then name: one statement.

    A page is the `limit` standings after the cursor's (keyset, no OFFSET); the cursor carries
    the last rank shown so ranks continue. `limit=None` returns every standing (CSV export).
    """
    ranked = _grouped(filters).where(in_period).subquery("standings")
    # Negated counts turn "most first" into an ascending order a row comparison can continue.
    place = (-ranked.c.points, -ranked.c.awards, -ranked.c.nominators, ranked.c.name, ranked.c.key)
    query = select(ranked).order_by(*place)
    key = decode_cursor(cursor, 6, CURSOR_TYPES) if limit is not None else None
    if key is not None:
        query = query.where(beyond(place, key[1:]))
    if limit is not None:
        query = query.limit(limit + 1)
    first_rank = key[0] + 1 if key is not None else 1
    standings = []
    keys = []
    for rank, row in enumerate(session.execute(query), start=first_rank):
        points = int(row.points)
        standings.append(Standing(rank, row.name, row.awards, points, row.nominators, row.heads))
        keys.append([rank, -points, -row.awards, -row.nominators, row.name, row.key])
    if limit is None or len(standings) <= limit:
        return standings, None
    return standings[:limit], encode_cursor(keys[limit - 1])


def get_leaderboard(
    session: Session,
    filters: LeaderboardFilters,
    *,
    cursor: str | None = None,
    limit: int | None = PAGE_SIZE,
) -> Leaderboard:
    """A page of standings and the filter choices: at most five statements whatever the data."""
    label, in_period = _range_of(session, filters)
    standings, next_cursor = _ranked(session, filters, in_period, cursor, limit)
    return Leaderboard(
        filters=filters,
        label=label,
        standings=standings,
        next_cursor=next_cursor,
        departments=list(session.scalars(select(Department).order_by(Department.name))),
        awards=list(session.scalars(select(Award).order_by(Award.name))),
        cycles=list(session.scalars(select(ReviewCycle).order_by(ReviewCycle.starts_on.desc()))),
    )


CSV_COLUMNS = ["rank", "name", "awards", "points", "distinct_nominators", "points_per_head"]


def leaderboard_as_csv(board: Leaderboard) -> str:
    return csv_text(
        CSV_COLUMNS,
        (
            [
                standing.rank,
                standing.name,
                standing.awards,
                standing.points,
                standing.nominators,
                "" if standing.points_per_head is None else standing.points_per_head,
            ]
            for standing in board.standings
        ),
    )
