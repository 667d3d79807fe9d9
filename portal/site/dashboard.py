"""What home shows a person: their ideas and the latest answer to each, the nominations they
sent and where each stands, the awards they received, and (for reviewers) overdue ideas.

Each list is its newest HOME_LIMIT rows with its total, in one statement walking an index, so
home costs the same statements however much the person or the portal holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from portal.accounts.models import Department, User
from portal.core.db import utcnow
from portal.ideas.models import Comment, Idea, IdeaEvent, IdeaStatus, Impact
from portal.ideas.queries.viewer import viewer_wrote
from portal.recognition.models import (
    ApprovalStep,
    Award,
    Nomination,
    NominationStatus,
    PointsLedgerEntry,
    StepRoute,
)
from portal.site.layout import COUNT_CAP, REVIEW_STATUSES

HOME_LIMIT = 5
OVERDUE_LISTED = 3


@dataclass(frozen=True)
class MyIdea:
    id: int
    title: str
    status: IdeaStatus
    updated: datetime
    answer: str  # the official response, else the latest status note; "" when none yet
    official: bool
    impact: str = ""  # what an implemented idea measurably changed


@dataclass(frozen=True)
class SentNomination:
    id: int
    nominee: str
    award: str
    status: NominationStatus
    step: int
    steps: int
    waiting_for: str | None  # the first approver at the current step, by name
    others: int  # how many more may decide that step
    committee: bool
    created_at: datetime

    @property
    def stands(self) -> str:
        """Where it stands, in words."""
        if self.status is NominationStatus.PENDING:
            who = "the awards committee" if self.committee else (self.waiting_for or "an admin")
            if self.others and not self.committee:
                who += f" or {self.others} other{'s' if self.others > 1 else ''}"
            where = f" (step {self.step} of {self.steps})" if self.steps > 1 else ""
            return f"Waiting for {who}{where}"
        return STANDS[self.status]


STANDS = {
    NominationStatus.FLAGGED: "Held for an integrity check",
    NominationStatus.RETURNED: "Returned to you for changes",
    NominationStatus.APPROVED: "Approved",
    NominationStatus.REJECTED: "Not approved",
    NominationStatus.WITHDRAWN: "Withdrawn",
}


@dataclass(frozen=True)
class ReceivedAward:
    id: int
    award: str
    nominator: str
    decided_at: datetime | None
    points: int


@dataclass(frozen=True)
class OverdueIdea:
    id: int
    title: str
    waiting_days: int


T = TypeVar("T")


@dataclass
class Listing(Generic[T]):
    items: list[T] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> bool:
        return self.total > len(self.items)


@dataclass(frozen=True)
class Place:
    """Where the person sits: their department and manager."""

    department: str | None
    manager_id: int | None
    manager: str | None


@dataclass(frozen=True)
class HomePage:
    place: Place
    ideas: Listing[MyIdea]
    sent: Listing[SentNomination]
    received: Listing[ReceivedAward]
    points: int
    overdue: Listing[OverdueIdea] | None  # None for people who review no ideas


def _total(rows: Sequence[Any]) -> int:
    return int(rows[0].total) if rows else 0


def _impact(row: Any) -> str:
    if row.measure is None:
        return ""
    return f"{row.measure}: {row.before.normalize():f} → {row.after.normalize():f} {row.unit}"


def list_my_ideas(session: Session, user_id: int) -> Listing[MyIdea]:
    """The person's latest ideas (drafts too), each with its latest answer: one statement."""
    note = (
        select(IdeaEvent.note)
        .where(IdeaEvent.idea_id == Idea.id, IdeaEvent.note != "")
        .order_by(IdeaEvent.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    official = (
        select(Comment.body)
        .where(Comment.idea_id == Idea.id, Comment.official.is_(True), Comment.deleted_at.is_(None))
        .order_by(Comment.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    total = select(func.count()).where(Idea.author_id == user_id).scalar_subquery()
    measured = aliased(Impact)
    latest_impact = (
        select(func.max(measured.id)).where(measured.idea_id == Idea.id).scalar_subquery()
    )
    rows = session.execute(
        select(
            Idea.id,
            Idea.title,
            Idea.status,
            Idea.last_activity_at,
            note.label("note"),
            official.label("official"),
            total.label("total"),
            Impact.measure,
            Impact.unit,
            Impact.before,
            Impact.after,
        )
        .outerjoin(Impact, Impact.id == latest_impact)
        .where(Idea.author_id == user_id)
        .order_by(Idea.last_activity_at.desc(), Idea.id.desc())
        .limit(HOME_LIMIT)
    ).all()
    items = [
        MyIdea(
            row.id,
            row.title,
            row.status,
            row.last_activity_at,
            row.official or row.note or "",
            bool(row.official),
            _impact(row),
        )
        for row in rows
    ]
    return Listing(items, _total(rows))


def list_my_nominations(session: Session, user_id: int) -> Listing[SentNomination]:
    """The nominations the person sent, newest first, with who decides each now: one statement."""
    nominee = aliased(User)
    approver = aliased(User)
    award = aliased(Award)
    at_level = and_(
        ApprovalStep.nomination_id == Nomination.id,
        ApprovalStep.level == Nomination.current_level,
    )
    first_approver = (
        select(func.min(approver.display_name))
        .join(ApprovalStep, ApprovalStep.approver_id == approver.id)
        .where(at_level)
        .scalar_subquery()
    )
    approvers = select(func.count()).where(at_level).scalar_subquery()
    by_committee = (
        select(func.count())
        .where(at_level, ApprovalStep.route == StepRoute.COMMITTEE)
        .scalar_subquery()
    )
    steps = (
        select(func.max(ApprovalStep.level))
        .where(ApprovalStep.nomination_id == Nomination.id)
        .scalar_subquery()
    )
    total = select(func.count()).where(Nomination.nominator_id == user_id).scalar_subquery()
    rows = session.execute(
        select(
            Nomination.id,
            Nomination.status,
            Nomination.current_level,
            Nomination.created_at,
            nominee.display_name.label("nominee"),
            award.name.label("award"),
            first_approver.label("waiting_for"),
            approvers.label("approvers"),
            by_committee.label("by_committee"),
            steps.label("steps"),
            total.label("total"),
        )
        .join(nominee, Nomination.nominee_id == nominee.id)
        .join(award, func.coalesce(Nomination.awarded_award_id, Nomination.award_id) == award.id)
        .where(Nomination.nominator_id == user_id)
        .order_by(Nomination.created_at.desc(), Nomination.id.desc())
        .limit(HOME_LIMIT)
    ).all()
    items = [
        SentNomination(
            row.id,
            row.nominee,
            row.award,
            row.status,
            row.current_level,
            int(row.steps or 1),
            row.waiting_for,
            max(int(row.approvers or 0) - 1, 0),
            bool(row.by_committee),
            row.created_at,
        )
        for row in rows
    ]
    return Listing(items, _total(rows))


def list_my_awards(session: Session, user_id: int) -> tuple[Listing[ReceivedAward], int]:
    """The awards the person received, newest first, and their points: one statement."""
    nominator = aliased(User)
    award = aliased(Award)
    mine = and_(Nomination.nominee_id == user_id, Nomination.status == NominationStatus.APPROVED)
    total = select(func.count()).where(mine).scalar_subquery()
    points = (
        select(func.coalesce(func.sum(PointsLedgerEntry.points), 0))
        .where(PointsLedgerEntry.user_id == user_id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Nomination.id,
            Nomination.decided_at,
            award.name.label("award"),
            award.points.label("points"),
            nominator.display_name.label("nominator"),
            total.label("total"),
            points.label("all_points"),
        )
        .join(nominator, Nomination.nominator_id == nominator.id)
        .join(award, func.coalesce(Nomination.awarded_award_id, Nomination.award_id) == award.id)
        .where(mine)
        .order_by(Nomination.decided_at.desc(), Nomination.id.desc())
        .limit(HOME_LIMIT)
    ).all()
    items = [
        ReceivedAward(row.id, row.award, row.nominator, row.decided_at, row.points) for row in rows
    ]
    return Listing(items, _total(rows)), int(rows[0].all_points) if rows else 0


def list_overdue_ideas(session: Session, reviewer: User, target_days: int) -> Listing[OverdueIdea]:
    """The oldest ideas in the reviewer's queue still without a first answer past the response
    target, and how many there are (up to COUNT_CAP): one statement."""
    cutoff = utcnow() - timedelta(days=target_days)
    theirs: Any = literal(True)
    if not reviewer.is_admin:
        theirs = or_(
            Idea.department_id == reviewer.department_id, Idea.routed_reviewer_id == reviewer.id
        )
    overdue = and_(
        Idea.status.in_(REVIEW_STATUSES),
        Idea.submitted_at < cutoff,
        Idea.first_response_at.is_(None),
        theirs,
        ~viewer_wrote(Idea.author_id, Idea.id, reviewer.id),
    )
    counted = select(Idea.id).where(overdue).limit(COUNT_CAP).subquery()
    total = select(func.count()).select_from(counted).scalar_subquery()
    rows = session.execute(
        select(Idea.id, Idea.title, Idea.submitted_at, total.label("total"))
        .where(overdue)
        .order_by(Idea.submitted_at, Idea.id)
        .limit(OVERDUE_LISTED)
    ).all()
    now = utcnow()
    items = [OverdueIdea(row.id, row.title, (now - row.submitted_at).days) for row in rows]
    return Listing(items, _total(rows))


def get_place(session: Session, person: User) -> Place:
    manager = aliased(User)
    row = session.execute(
        select(
            select(Department.name)
            .where(Department.id == person.department_id)
            .scalar_subquery()
            .label("department"),
            select(manager.display_name)
            .where(manager.id == person.manager_id)
            .scalar_subquery()
            .label("manager"),
        )
    ).one()
    return Place(row.department, person.manager_id, row.manager)


def get_home_page(session: Session, person: User, *, target_days: int) -> HomePage:
    """Everything home lists: four statements, five for people who review ideas."""
    received, points = list_my_awards(session, person.id)
    return HomePage(
        place=get_place(session, person),
        ideas=list_my_ideas(session, person.id),
        sent=list_my_nominations(session, person.id),
        received=received,
        points=points,
        overdue=list_overdue_ideas(session, person, target_days) if person.is_manager else None,
    )
