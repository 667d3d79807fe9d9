"""Who approves a nomination, level by level."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.accounts.queries import managers_above
from portal.recognition.models import ApprovalPath, Award, StepRoute, award_committee_members

MANAGER, COMMITTEE = "manager", "committee"
# What decides each level of an award's path. Every level is kept: one with nobody left to
# decide it goes up, and is never dropped.
PATH_LEVELS = {
    ApprovalPath.MANAGER: (MANAGER,),
    ApprovalPath.MANAGER_THEN_SKIP: (MANAGER, MANAGER),
    ApprovalPath.COMMITTEE: (MANAGER, COMMITTEE),
}


@dataclass(frozen=True)
class Level:
    approver_ids: list[int]
    route: StepRoute


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


class _Planner:
    """Walks up the nominee's reporting line, handing each level to people still free to decide."""

    def __init__(
        self, session: Session, taken: set[int], chain: list[int], decided_by: Collection[int]
    ) -> None:
        self.session = session
        self.taken = taken
        self.chain = chain
        # Levels from the reporting line go up it: the next one starts above the last one used.
        self.above = max(
            (chain.index(person) + 1 for person in decided_by if person in chain), default=0
        )

    def _next_manager(self) -> tuple[int, bool] | None:
        """The nearest free manager from `above` up, and whether anyone nearer was left out."""
        for index in range(self.above, len(self.chain)):
            if self.chain[index] not in self.taken:
                passed_over = index > self.above
                self.above = index + 1
                return self.chain[index], passed_over
        return None

    def level(self, kind: str, award: Award) -> Level:
        if kind == COMMITTEE:
            members = [m for m in committee_ids(self.session, award.id) if m not in self.taken]
            if members:
                return self._keep(Level(members, StepRoute.COMMITTEE))
        manager = self._next_manager()
        if manager is not None:
            person, passed_over = manager
            went_up = passed_over or kind == COMMITTEE
            route = StepRoute.MANAGER_ABOVE if went_up else StepRoute.REPORTING_LINE
            return self._keep(Level([person], route))
        admins = [admin for admin in admin_ids(self.session) if admin not in self.taken]
        return self._keep(Level(admins, StepRoute.ADMINS))

    def _keep(self, level: Level) -> Level:
        # A level's only approver is sure to decide it, so they are left out of later levels.
        if len(level.approver_ids) == 1:
            self.taken.add(level.approver_ids[0])
        return level


def route_nomination(
    session: Session,
    award: Award,
    nominator_id: int,
    nominee_id: int,
    *,
    passed: int = 0,
    decided_by: Collection[int] = (),
) -> list[Level]:
    """The approvers of each level of the award's path after the first `passed`, first first.

    Level one is the nominee's nearest active manager who is not the nominator (so the
    skip-level manager when the manager nominated); manager-then-skip awards add the next
    manager up; committee awards add the committee. Nobody approves their own nomination or
    their own award, and nobody decides two levels of one: a level's only approver, and
    whoever decided the `passed` levels (`decided_by`), are left out of the later ones. A level
    left with nobody goes up: to the next manager above, then to the admins. If even they are
    all part of it, the level comes back empty and the caller refuses; it is never skipped.
    """
    taken = {nominator_id, nominee_id, *decided_by}
    above = managers_above(session, nominee_id)
    chain = [manager_id for manager_id, active, _role in above if active]
    planner = _Planner(session, taken, chain, decided_by)
    return [planner.level(kind, award) for kind in PATH_LEVELS[award.approval_path][passed:]]
