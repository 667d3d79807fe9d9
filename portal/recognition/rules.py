"""The rules of recognition that are data: how a nomination may move, and who decides each level.

Services, forms, queries and the demo generator take them from here; the routing planner is
pure, so the generator can walk its in-memory organisation through the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from portal.recognition.models import ApprovalPath, NominationStatus, StepRoute

Status = NominationStatus

# Statuses that still count: a nominator may not nominate the same person again meanwhile.
# The partial unique index on nominations (models.py) holds the same list.
LIVE_STATUSES = (Status.PENDING, Status.FLAGGED, Status.RETURNED, Status.APPROVED)

TRANSITIONS: dict[NominationStatus, frozenset[NominationStatus]] = {
    Status.PENDING: frozenset(
        {
            Status.PENDING,
            Status.FLAGGED,
            Status.RETURNED,
            Status.APPROVED,
            Status.REJECTED,
            Status.WITHDRAWN,
        }
    ),
    Status.FLAGGED: frozenset({Status.PENDING, Status.APPROVED, Status.REJECTED, Status.WITHDRAWN}),
    Status.RETURNED: frozenset({Status.PENDING, Status.WITHDRAWN}),
    Status.APPROVED: frozenset(),
    Status.REJECTED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
FINAL_STATUSES = frozenset({Status.APPROVED, Status.REJECTED, Status.WITHDRAWN})

# The events of an approver deciding their level (the last one grants the award).
LEVEL_APPROVALS = ("approved", "approved_level", "approved_held", "approved_lower_tier")

MAX_AWARD_POINTS = 100_000

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


@dataclass(frozen=True)
class Candidates:
    """Who may be asked to decide a level. The committee and the admins are looked up only
    when a level needs them, and again each time."""

    chain: list[int]  # the nominee's active managers, nearest first
    committee: Callable[[], list[int]]  # the award's active committee members
    admins: Callable[[], list[int]]  # the active admins


class _Planner:
    """Walks up the nominee's reporting line, handing each level to people still free to decide."""

    def __init__(self, people: Candidates, taken: set[int], decided_by: Collection[int]) -> None:
        self.people = people
        self.taken = taken
        self.chain = people.chain
        # Levels from the reporting line go up it: the next one starts above the last one used.
        self.above = max(
            (self.chain.index(person) + 1 for person in decided_by if person in self.chain),
            default=0,
        )

    def _next_manager(self) -> tuple[int, bool] | None:
        """The nearest free manager from `above` up, and whether anyone nearer was left out."""
        for index in range(self.above, len(self.chain)):
            if self.chain[index] not in self.taken:
                passed_over = index > self.above
                self.above = index + 1
                return self.chain[index], passed_over
        return None

    def level(self, kind: str) -> Level:
        if kind == COMMITTEE:
            members = [m for m in self.people.committee() if m not in self.taken]
            if members:
                return self._keep(Level(members, StepRoute.COMMITTEE))
        manager = self._next_manager()
        if manager is not None:
            person, passed_over = manager
            went_up = passed_over or kind == COMMITTEE
            route = StepRoute.MANAGER_ABOVE if went_up else StepRoute.REPORTING_LINE
            return self._keep(Level([person], route))
        admins = [admin for admin in self.people.admins() if admin not in self.taken]
        return self._keep(Level(admins, StepRoute.ADMINS))

    def _keep(self, level: Level) -> Level:
        # A level's only approver is sure to decide it, so they are left out of later levels.
        if len(level.approver_ids) == 1:
            self.taken.add(level.approver_ids[0])
        return level


def plan_levels(
    path: ApprovalPath,
    people: Candidates,
    nominator_id: int,
    nominee_id: int,
    *,
    passed: int = 0,
    decided_by: Collection[int] = (),
) -> list[Level]:
    """The approvers of each level of the path after the first `passed`, first first.

    Level one is the nominee's nearest active manager who is not the nominator (so the
    skip-level manager when the manager nominated); manager-then-skip awards add the next
    manager up; committee awards add the committee. Nobody approves their own nomination or
    their own award, and nobody decides two levels of one: a level's only approver, and
    whoever decided the `passed` levels (`decided_by`), are left out of the later ones. A level
    left with nobody goes up: to the next manager above, then to the admins. If even they are
    all part of it, the level comes back empty and the caller refuses; it is never skipped.
    """
    planner = _Planner(people, {nominator_id, nominee_id, *decided_by}, decided_by)
    return [planner.level(kind) for kind in PATH_LEVELS[path][passed:]]
