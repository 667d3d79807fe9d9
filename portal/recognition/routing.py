"""Who approves a nomination, level by level: the rules' planner fed from the database."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.accounts.queries import managers_above
from portal.recognition.models import Award, award_committee_members
from portal.recognition.rules import Candidates, Level, plan_levels


def committee_ids(session: Session, award_id: int) -> list[int]:
    return list(
        session.scalars(
            select(User.id)
            .join(award_committee_members, award_committee_members.c.user_id == User.id)
            .where(award_committee_members.c.award_id == award_id, User.active.is_(True))
            .order_by(User.id)
        )
    )


def admin_ids(session: Session) -> list[int]:
    return list(
        session.scalars(
            select(User.id).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)
        )
    )


def route_nomination(
    session: Session,
    award: Award,
    nominator_id: int,
    nominee_id: int,
    *,
    passed: int = 0,
    decided_by: Collection[int] = (),
) -> list[Level]:
    """The approvers of each level of the award's path after the first `passed` (see
    `rules.plan_levels`), from the nominee's reporting line as the database has it now."""
    above = managers_above(session, nominee_id)
    people = Candidates(
        chain=[manager_id for manager_id, active, _role in above if active],
        committee=lambda: committee_ids(session, award.id),
        admins=lambda: admin_ids(session),
    )
    return plan_levels(
        award.approval_path,
        people,
        nominator_id,
        nominee_id,
        passed=passed,
        decided_by=decided_by,
    )
