"""Who approves a nomination, level by level."""

from __future__ import annotations

from sqlalchemy import literal, select
from sqlalchemy.orm import Session, aliased

from portal.accounts.models import Role, User
from portal.recognition.models import ApprovalPath, Award, award_committee_members


def managers_above(session: Session, user_id: int) -> list[tuple[int, bool]]:
    """(id, active) of everyone above a person, nearest first, in one recursive query."""
    chain = (
        select(User.manager_id.label("id"), literal(1).label("depth"))
        .where(User.id == user_id, User.manager_id.is_not(None))
        .cte(recursive=True)
    )
    upper = aliased(User)
    chain = chain.union_all(
        select(upper.manager_id, chain.c.depth + 1).where(
            upper.id == chain.c.id, upper.manager_id.is_not(None), chain.c.depth < 50
        )
    )
    rows = session.execute(
        select(User.id, User.active).join(chain, User.id == chain.c.id).order_by(chain.c.depth)
    )
    return [(row[0], row[1]) for row in rows]


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
    session: Session, award: Award, nominator_id: int, nominee_id: int
) -> list[list[int]]:
    """The approvers of each level, first level first.

    Level one is the nominee's nearest active manager who is not the nominator (so the
    skip-level manager when the manager nominated); manager-then-skip awards add the next
    manager up; committee awards add the committee. Nobody ever approves their own
    nomination or their own award; when nobody is left, the admins decide.
    """
    excluded = {nominator_id, nominee_id}
    candidates = [
        manager_id
        for manager_id, active in managers_above(session, nominee_id)
        if active and manager_id not in excluded
    ]
    fallback = [user_id for user_id in admin_ids(session) if user_id not in excluded]
    levels = [[candidates[0]] if candidates else fallback]
    if award.approval_path is ApprovalPath.MANAGER_THEN_SKIP and len(candidates) > 1:
        levels.append([candidates[1]])
    elif award.approval_path is ApprovalPath.COMMITTEE:
        committee = [
            user_id for user_id in committee_ids(session, award.id) if user_id not in excluded
        ]
        levels.append(committee or fallback)
    return [level for level in levels if level]
