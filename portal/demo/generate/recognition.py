"""Generated nominations over the review cycles: routed, decided and recorded as the
recognition services would leave them."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.accounts.models import Role
from portal.demo.generate.people import Organisation, Person
from portal.demo.generate.plan import Plan, moment_between, table_of
from portal.recognition.models import (
    ApprovalPath,
    ApprovalStep,
    AwardTier,
    Nomination,
    NominationEvent,
    NominationStatus,
    NominationTrait,
    PointsLedgerEntry,
    Trait,
)
from portal.recognition.rules import FINAL_STATUSES, PATH_LEVELS, Candidates, Level, plan_levels

Status = NominationStatus
NOMINATIONS = table_of(Nomination)
NOMINATION_TRAITS = table_of(NominationTrait)
APPROVAL_STEPS = table_of(ApprovalStep)
NOMINATION_EVENTS = table_of(NominationEvent)
POINTS_LEDGER = table_of(PointsLedgerEntry)
CITATIONS = [
    "Stayed on the line until a worried member's claim was sorted.",
    "Calmly turned an angry complaint into a thank-you letter.",
    "Noticed a member's confusion and explained every step patiently.",
    "Found a faster way to answer a common question and shared it with the team.",
    "Called a member back on their day off to confirm the fix worked.",
]
# Past cycles are decided; the current one still has work in flight.
PAST_OUTCOMES = {Status.APPROVED: 80, Status.REJECTED: 12, Status.WITHDRAWN: 8}
CURRENT_OUTCOMES = {
    Status.PENDING: 35,
    Status.APPROVED: 50,
    Status.REJECTED: 10,
    Status.WITHDRAWN: 5,
}
AWARD_TIER_WEIGHTS = {AwardTier.SPOT: 80, AwardTier.QUARTERLY: 15, AwardTier.ANNUAL: 5}


@dataclass(frozen=True)
class AwardInfo:
    id: int
    tier: AwardTier
    points: int
    path: ApprovalPath


@dataclass(frozen=True)
class CycleInfo:
    id: int
    starts: datetime
    ends: datetime


@dataclass(frozen=True)
class Approvers:
    """Who may be asked to decide, beyond a nominee's reporting line."""

    committee: list[int]  # the committee awards' members
    admins: list[int]


@dataclass(frozen=True)
class Step:
    """One event of a nomination's timeline."""

    action: str
    actor: int
    from_status: Status | None
    to_status: Status
    level: int
    note: str = ""


def approval_levels(
    org: Organisation,
    award: AwardInfo,
    pair: tuple[int, int],
    approvers: Approvers,
    approved: int,
) -> list[Level]:
    """The nomination's approval steps once its first `approved` levels were approved, each by
    its first approver: routed when it was made, and routed again after each approval, as
    deciding does. A level left empty means the services would have refused."""
    nominator, nominee = pair
    people = Candidates(
        chain=org.managers_above(nominee),
        committee=lambda: approvers.committee,
        admins=lambda: approvers.admins,
    )
    levels = plan_levels(award.path, people, nominator, nominee)
    deciders: list[int] = []
    for passed in range(1, min(approved, len(levels) - 1) + 1):
        if not levels[passed - 1].approver_ids:
            break
        deciders.append(levels[passed - 1].approver_ids[0])
        levels[passed:] = plan_levels(
            award.path, people, nominator, nominee, passed=passed, decided_by=deciders
        )
    return levels


def pick_nomination_pair(
    rng: random.Random, org: Organisation, by_department: dict[int, list[Person]]
) -> tuple[int, int]:
    """Mostly colleagues of the same department, sometimes across the company; never oneself."""
    nominator = rng.choice(org.people)
    while True:
        pool = by_department[nominator.department_id] if rng.random() < 0.7 else org.people
        nominee = rng.choice(pool)
        if nominee.id != nominator.id:
            return nominator.id, nominee.id


def approvals_before(rng: random.Random, outcome: Status, path: ApprovalPath) -> int:
    """How many levels were approved: all of an approved one's; perhaps the first of a
    pending one with more to come; none of one rejected at level one or withdrawn."""
    levels = len(PATH_LEVELS[path])
    if outcome is Status.APPROVED:
        return levels
    if outcome is Status.PENDING and levels > 1 and rng.random() < 0.5:
        return 1
    return 0


def plan_nominations(
    plan: Plan,
    rng: random.Random,
    total: int,
    first_id: int,
    org: Organisation,
    awards: list[AwardInfo],
    committee: list[int],
    cycles: list[CycleInfo],
    now: datetime,
) -> None:
    by_department: dict[int, list[Person]] = defaultdict(list)
    for person in org.people:
        by_department[person.department_id].append(person)
    approvers = Approvers(sorted(committee), org.ids_with_role(Role.ADMIN))
    weights = [AWARD_TIER_WEIGHTS[award.tier] for award in awards]
    seen: set[tuple[int, int, int, int]] = set()
    number = first_id
    for _ in range(total * 3):
        if number - first_id >= total:
            break
        pair = pick_nomination_pair(rng, org, by_department)
        award = rng.choices(awards, weights=weights)[0]
        cycle = rng.choice(cycles)
        if (*pair, award.id, cycle.id) in seen:
            continue
        seen.add((*pair, award.id, cycle.id))
        outcomes = CURRENT_OUTCOMES if cycle.ends > now else PAST_OUTCOMES
        outcome = rng.choices(list(outcomes), weights=list(outcomes.values()))[0]
        approved = approvals_before(rng, outcome, award.path)
        levels = approval_levels(org, award, pair, approvers, approved)
        if not all(level.approver_ids for level in levels):
            continue
        created = moment_between(rng, cycle.starts, min(cycle.ends, now))
        timeline = nomination_timeline(pair[0], levels, outcome, approved)
        plan_one_nomination(
            plan, rng, number, pair, award, cycle.id, levels, timeline, created, now
        )
        number += 1


@dataclass(frozen=True)
class NominationTimeline:
    steps: list[Step]
    current_level: int  # the level deciding it, or that decided it


def nomination_timeline(
    nominator: int, levels: list[Level], outcome: Status, approved: int
) -> NominationTimeline:
    """Submitted, each approval, then the outcome, as move_nomination records them."""
    steps = [Step("submitted", nominator, None, Status.PENDING, 1)]
    last = len(levels)
    for level in range(1, min(approved, last - 1) + 1):
        decider = levels[level - 1].approver_ids[0]
        steps.append(Step("approved_level", decider, Status.PENDING, Status.PENDING, level))
    if outcome is Status.APPROVED:
        decider = levels[-1].approver_ids[0]
        steps.append(Step("approved", decider, Status.PENDING, outcome, last, "Well deserved."))
    elif outcome is Status.REJECTED:
        reason = "Lovely work, but it is part of the everyday job."
        steps.append(
            Step("rejected", levels[0].approver_ids[0], Status.PENDING, outcome, 1, reason)
        )
    elif outcome is Status.WITHDRAWN:
        steps.append(Step("withdrawn", nominator, Status.PENDING, outcome, 1))
    if outcome is Status.PENDING:
        return NominationTimeline(steps, approved + 1)
    return NominationTimeline(steps, steps[-1].level)


def plan_one_nomination(
    plan: Plan,
    rng: random.Random,
    nomination_id: int,
    pair: tuple[int, int],
    award: AwardInfo,
    cycle_id: int,
    levels: list[Level],
    timeline: NominationTimeline,
    created: datetime,
    now: datetime,
) -> None:
    """A nomination, its traits, approval steps and events."""
    nominator, nominee = pair
    steps = timeline.steps
    moments = [created]
    for _ in steps[1:]:
        moments.append(min(moments[-1] + timedelta(hours=rng.uniform(1, 240)), now))
    plan.add(
        NOMINATION_EVENTS,
        (
            {
                "nomination_id": nomination_id,
                "actor_id": step.actor,
                "action": step.action,
                "from_status": step.from_status,
                "to_status": step.to_status,
                "level": step.level,
                "note": step.note,
                "created_at": moment,
            }
            for step, moment in zip(steps, moments, strict=True)
        ),
    )
    outcome = steps[-1].to_status
    decided = moments[-1] if outcome in FINAL_STATUSES else None
    plan.add(
        NOMINATIONS,
        [
            {
                "id": nomination_id,
                "nominator_id": nominator,
                "nominee_id": nominee,
                "award_id": award.id,
                "awarded_award_id": None,
                "cycle_id": cycle_id,
                "team_group_id": None,
                "citation": rng.choice(CITATIONS),
                "status": outcome,
                "current_level": timeline.current_level,
                "version": len(steps),
                "created_at": created,
                "decided_at": decided,
            }
        ],
    )
    plan.add(
        NOMINATION_TRAITS,
        (
            {"nomination_id": nomination_id, "trait": trait}
            for trait in rng.sample(list(Trait), rng.randint(1, 3))
        ),
    )
    plan.add(
        APPROVAL_STEPS,
        (
            {
                "nomination_id": nomination_id,
                "level": number,
                "approver_id": approver,
                "route": level.route,
            }
            for number, level in enumerate(levels, start=1)
            for approver in level.approver_ids
        ),
    )
    if outcome is Status.APPROVED:
        plan.add(
            POINTS_LEDGER,
            [
                {
                    "user_id": nominee,
                    "nomination_id": nomination_id,
                    "award_id": award.id,
                    "points": award.points,
                    "created_at": decided,
                }
            ],
        )
