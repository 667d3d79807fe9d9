"""The programme at a glance, for admins (home and the admin overview): participation,
implementation rate, overdue ideas and open integrity flags, in one statement of counts that
each walk an index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, ScalarSelect, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from portal.accounts.models import User
from portal.core.db import utcnow
from portal.ideas.models import Idea, IdeaStatus
from portal.recognition.models import IntegrityFlag, Nomination, NominationStatus
from portal.site.layout import REVIEW_STATUSES

PARTICIPATION_DAYS = 365


@dataclass(frozen=True)
class ProgrammeSummary:
    people: int  # active people
    taking_part: int  # of them, who shared an idea or nominated someone in PARTICIPATION_DAYS
    submitted: int  # ideas past draft
    implemented: int
    overdue: int  # ideas waiting for a first answer past the response target
    open_flags: int
    pending_nominations: int

    @staticmethod
    def percent(part: int, whole: int) -> int:
        return round(100 * part / whole) if whole else 0

    @property
    def participation(self) -> int:
        return self.percent(self.taking_part, self.people)

    @property
    def implementation_rate(self) -> int:
        return self.percent(self.implemented, self.submitted)


def get_programme_summary(session: Session, *, target_days: int) -> ProgrammeSummary:
    now = utcnow()
    since = now - timedelta(days=PARTICIPATION_DAYS)
    person = aliased(User)
    shared = exists().where(
        Idea.author_id == person.id,
        Idea.submitted_at >= since,
    )
    nominated = exists().where(
        Nomination.nominator_id == person.id,
        Nomination.created_at >= since,
    )

    def count(*where: ColumnElement[bool]) -> ScalarSelect[int]:
        return select(func.count()).where(*where).scalar_subquery()

    row = session.execute(
        select(
            count(User.active.is_(True)).label("people"),
            select(func.count())
            .select_from(person)
            .where(person.active.is_(True), or_(shared, nominated))
            .scalar_subquery()
            .label("taking_part"),
            count(Idea.status != IdeaStatus.DRAFT).label("submitted"),
            count(Idea.status == IdeaStatus.IMPLEMENTED).label("implemented"),
            count(
                Idea.status.in_(REVIEW_STATUSES),
                Idea.submitted_at < now - timedelta(days=target_days),
                Idea.first_response_at.is_(None),
            ).label("overdue"),
            count(IntegrityFlag.resolved_at.is_(None)).label("open_flags"),
            count(Nomination.status == NominationStatus.PENDING).label("pending"),
        )
    ).one()
    return ProgrammeSummary(
        people=row.people,
        taking_part=row.taking_part,
        submitted=row.submitted,
        implemented=row.implemented,
        overdue=row.overdue,
        open_flags=row.open_flags,
        pending_nominations=row.pending,
    )
