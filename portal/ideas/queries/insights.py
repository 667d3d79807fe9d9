"""The programme's health over a period, in a fixed number of statements."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from statistics import median

from sqlalchemy import func, or_, select, union
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.dates import day_bounds
from portal.ideas.models import Category, Idea, IdeaStatus, Vote

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


def _median_days(pairs: Iterable[tuple[datetime | None, datetime | None]]) -> float | None:
    days = [
        (later - earlier).total_seconds() / 86400 for earlier, later in pairs if earlier and later
    ]
    return round(median(days), 1) if days else None


def get_insights(session: Session, start: date, end: date) -> Insights:
    """Ideas submitted between start and end (inclusive) and what became of them.

    Medians are taken in Python over one query's timestamps: SQLite has no percentile function.
    """
    since, until = day_bounds(start, end)
    in_period = (Idea.submitted_at >= since) & (Idea.submitted_at < until)
    by_status: dict[IdeaStatus, int] = {
        row.status: row.ideas
        for row in session.execute(
            select(Idea.status, func.count().label("ideas")).where(in_period).group_by(Idea.status)
        )
    }
    categories = session.execute(
        select(Category.name, func.count().label("ideas"))
        .join(Idea, Idea.category_id == Category.id)
        .where(in_period)
        .group_by(Category.name)
        .order_by(func.count().desc(), Category.name)
        .limit(TOP)
    ).all()
    channels = session.execute(
        select(Idea.channel, func.count().label("ideas"))
        .where(in_period, Idea.channel.is_not(None))
        .group_by(Idea.channel)
        .order_by(func.count().desc())
    ).all()
    people = union(
        select(Idea.author_id.label("person")).where(in_period),
        select(Vote.voter_id).where(Vote.created_at >= since, Vote.created_at < until),
    ).subquery()
    taking_part = session.execute(
        select(
            select(func.count()).select_from(people).scalar_subquery().label("participants"),
            select(func.count())
            .select_from(User)
            .where(User.active)
            .scalar_subquery()
            .label("employees"),
        )
    ).one()
    timings = session.execute(
        select(Idea.submitted_at, Idea.first_response_at, Idea.decided_at).where(
            in_period, or_(Idea.first_response_at.is_not(None), Idea.decided_at.is_not(None))
        )
    ).all()
    return Insights(
        start=start,
        end=end,
        submitted=sum(by_status.values()),
        implemented=by_status.get(IdeaStatus.IMPLEMENTED, 0),
        participants=taking_part.participants,
        employees=taking_part.employees,
        median_days_to_response=_median_days(
            (row.submitted_at, row.first_response_at) for row in timings
        ),
        median_days_to_decision=_median_days((row.submitted_at, row.decided_at) for row in timings),
        statuses=[Bar(label=status.label, value=by_status.get(status, 0)) for status in FUNNEL],
        categories=[Bar(label=row.name, value=row.ideas) for row in categories],
        channels=[Bar(label=row.channel.label, value=row.ideas) for row in channels],
    )
