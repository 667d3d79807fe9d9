"""The programme's health over a period, in a fixed number of statements."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select, union
from sqlalchemy.orm import Session

from portal.accounts.rollups.models import DepartmentHeadcount
from portal.core.dates import day_bounds
from portal.core.db import utcnow
from portal.ideas.models import Category, CustomerChannel, Idea, IdeaStatus, Vote
from portal.ideas.rollups.counting import covering_spans
from portal.ideas.rollups.models import IdeaDayCount, PersonActivity

FUNNEL = [
    IdeaStatus.SUBMITTED,
    IdeaStatus.UNDER_REVIEW,
    IdeaStatus.APPROVED,
    IdeaStatus.IN_PROGRESS,
    IdeaStatus.IMPLEMENTED,
    IdeaStatus.DECLINED,
    IdeaStatus.DUPLICATE,
]
TOP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


@dataclass(frozen=True)
class Insights:
    start: date
    end: date
    submitted: int
    implemented: int
    participants: int
    employees: int
    median_days_to_response: float | None
    median_days_to_decision: float | None
    statuses: list[Bar]
    categories: list[Bar]
    channels: list[Bar]

    @property
    def participation(self) -> float:
        return self.participants / self.employees if self.employees else 0.0

    @property
    def implementation_rate(self) -> float:
        return self.implemented / self.submitted if self.submitted else 0.0


def _median_tenths(histogram: dict[int, int]) -> float | None:
    """The median of a histogram of tenths of a day, in days (as `statistics.median` takes it)."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted = {(total - 1) // 2, total // 2}
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        following = seen + histogram[value]
        found += [value for position in sorted(wanted) if seen <= position < following]
        seen = following
    return round(sum(found) / len(found) / 10, 1)


def _participants(session: Session, start: date, end: date) -> tuple[int, int]:
    """People who submitted an idea or voted in the period, and active employees.

    A period that reaches today is read from each person's last active day (an index range);
    one that ended earlier is counted from the votes and ideas of the period.
    """
    # Active people from the departments' headcount rows: a handful of rows, not every person.
    employees = select(func.coalesce(func.sum(DepartmentHeadcount.people), 0)).scalar_subquery()
    if end >= utcnow().date():
        active = (
            select(func.count())
            .select_from(PersonActivity)
            .where(PersonActivity.last_active_on >= start)
            .scalar_subquery()
        )
    else:
        since, until = day_bounds(start, end)
        people = union(
            select(Idea.author_id.label("person")).where(
                Idea.submitted_at >= since, Idea.submitted_at < until
            ),
            select(Vote.voter_id).where(Vote.created_at >= since, Vote.created_at < until),
        ).subquery()
        active = select(func.count()).select_from(people).scalar_subquery()
    row = session.execute(select(active.label("active"), employees.label("employees"))).one()
    return row.active, row.employees


def get_insights(session: Session, start: date, end: date) -> Insights:
    """Ideas submitted between start and end (inclusive) and what became of them.

    Three statements over summary rows (rollups/models.py): the counts of the few spans of
    days that make up the period, by dimension and value; the category names; the people
    taking part. Medians come from the histograms of tenths of a day in those counts.
    """
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in session.execute(
        select(IdeaDayCount.dimension, IdeaDayCount.value, func.sum(IdeaDayCount.ideas))
        .where(
            # One equality pair per span, so each is a lookup on the key's prefix (a row-value
            # IN list made SQLite scan the table).
            or_(
                *(
                    (IdeaDayCount.level == level) & (IdeaDayCount.day == first)
                    for level, first in covering_spans(start, end)
                )
            )
        )
        .group_by(IdeaDayCount.dimension, IdeaDayCount.value)
    ):
        if row[2]:
            counts[row.dimension][row.value] = int(row[2])
    names = {row.id: row.name for row in session.execute(select(Category.id, Category.name))}
    categories = sorted(
        ((names[int(key)], ideas) for key, ideas in counts["category"].items() if key),
        key=lambda pair: (-pair[1], pair[0]),
    )[:TOP]
    channels = sorted(
        ((CustomerChannel(key), ideas) for key, ideas in counts["channel"].items() if key),
        key=lambda pair: -pair[1],
    )
    by_status = {IdeaStatus(key): ideas for key, ideas in counts["status"].items()}
    participants, employees = _participants(session, start, end)
    return Insights(
        start=start,
        end=end,
        submitted=sum(by_status.values()),
        implemented=by_status.get(IdeaStatus.IMPLEMENTED, 0),
        participants=participants,
        employees=employees,
        median_days_to_response=_median_tenths(
            {int(key): ideas for key, ideas in counts["response"].items()}
        ),
        median_days_to_decision=_median_tenths(
            {int(key): ideas for key, ideas in counts["decision"].items()}
        ),
        statuses=[Bar(label=status.label, value=by_status.get(status, 0)) for status in FUNNEL],
        categories=[Bar(label=name, value=ideas) for name, ideas in categories],
        channels=[Bar(label=channel.label, value=ideas) for channel, ideas in channels],
    )
