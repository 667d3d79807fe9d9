"""Building review packets: a fixed number of statements for one person or a whole cycle."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from statistics import median
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from portal.accounts.models import Department, User
from portal.recognition.models import (
    Award,
    Nomination,
    NominationStatus,
    NominationTrait,
    ReviewCycle,
    Trait,
)


@dataclass(frozen=True)
class PacketAward:
    award: str
    tier: str
    points: int
    citation: str
    traits: list[str]
    nominator: str
    approved_on: str


@dataclass(frozen=True)
class Packet:
    cycle_id: int
    cycle_name: str
    user_id: int
    name: str
    email: str
    job_title: str
    department: str
    awards: list[PacketAward] = field(default_factory=list)
    points: int = 0
    traits_covered: list[str] = field(default_factory=list)
    traits_missing: list[str] = field(default_factory=list)
    distinct_nominators: int = 0
    team_median_nominators: float = 0.0
    frozen: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Packet:
        awards = [PacketAward(**award) for award in data.get("awards", [])]
        return cls(**{**data, "awards": awards, "frozen": True})


def _people(session: Session, user_ids: list[int] | None) -> list[tuple]:
    query = (
        select(
            User.id,
            User.display_name,
            User.email,
            User.job_title,
            Department.name,
            User.manager_id,
        )
        .outerjoin(Department, User.department_id == Department.id)
        .order_by(User.display_name, User.id)
    )
    query = query.where(User.id.in_(user_ids)) if user_ids is not None else query
    return list(session.execute(query))


def _approved_awards(
    session: Session, cycle_id: int, user_ids: list[int] | None
) -> tuple[dict[int, list[PacketAward]], dict[int, set[int]]]:
    """Each person's approved awards in the cycle, and who nominated them."""
    nominator = aliased(User)
    query = (
        select(
            Nomination.id,
            Nomination.nominee_id,
            Nomination.nominator_id,
            Award.name,
            Award.tier,
            Award.points,
            Nomination.citation,
            nominator.display_name,
            Nomination.decided_at,
        )
        .join(Award, func.coalesce(Nomination.awarded_award_id, Nomination.award_id) == Award.id)
        .join(nominator, Nomination.nominator_id == nominator.id)
        .where(Nomination.cycle_id == cycle_id, Nomination.status == NominationStatus.APPROVED)
        .order_by(Nomination.decided_at, Nomination.id)
    )
    if user_ids is not None:
        query = query.where(Nomination.nominee_id.in_(user_ids))
    rows = list(session.execute(query))
    traits: dict[int, list[str]] = defaultdict(list)
    if rows:
        trait_rows = session.execute(
            select(NominationTrait.nomination_id, NominationTrait.trait).where(
                NominationTrait.nomination_id.in_([row[0] for row in rows])
            )
        )
        order = list(Trait)
        for nomination_id, trait in sorted(trait_rows, key=lambda row: order.index(row[1])):
            traits[nomination_id].append(trait.value)
    awards: dict[int, list[PacketAward]] = defaultdict(list)
    givers: dict[int, set[int]] = defaultdict(set)
    for nomination_id, nominee_id, giver_id, name, tier, points, citation, giver, decided in rows:
        givers[nominee_id].add(giver_id)
        awards[nominee_id].append(
            PacketAward(
                name,
                tier.value,
                points,
                citation,
                traits[nomination_id],
                giver,
                decided.date().isoformat(),
            )
        )
    return awards, givers


def _distinct_nominators_by_team(
    session: Session, cycle_id: int, manager_ids: set[int]
) -> dict[int, list[int]]:
    """For each manager, the distinct nominators of each of their active reports (0 included)."""
    if not manager_ids:
        return {}
    counts = (
        select(
            Nomination.nominee_id.label("nominee_id"),
            func.count(func.distinct(Nomination.nominator_id)).label("givers"),
        )
        .where(Nomination.cycle_id == cycle_id, Nomination.status == NominationStatus.APPROVED)
        .group_by(Nomination.nominee_id)
        .subquery()
    )
    rows = session.execute(
        select(User.manager_id, func.coalesce(counts.c.givers, 0))
        .outerjoin(counts, counts.c.nominee_id == User.id)
        .where(User.manager_id.in_(manager_ids), User.active.is_(True))
    )
    teams: dict[int, list[int]] = defaultdict(list)
    for manager_id, givers in rows:
        teams[manager_id].append(givers)
    return teams


def build_packets(
    session: Session, cycle: ReviewCycle, user_ids: list[int] | None = None
) -> list[Packet]:
    """Live packets of these people (everyone when None), in five statements whatever the size."""
    people = _people(session, user_ids)
    awards, givers = _approved_awards(session, cycle.id, user_ids)
    teams = _distinct_nominators_by_team(
        session, cycle.id, {row[5] for row in people if row[5] is not None}
    )
    packets = []
    for user_id, name, email, title, department, manager_id in people:
        mine = awards.get(user_id, [])
        covered = {trait for award in mine for trait in award.traits}
        team = teams.get(manager_id, []) if manager_id else []
        packets.append(
            Packet(
                cycle_id=cycle.id,
                cycle_name=cycle.name,
                user_id=user_id,
                name=name,
                email=email,
                job_title=title,
                department=department or "",
                awards=mine,
                points=sum(award.points for award in mine),
                traits_covered=[trait.value for trait in Trait if trait.value in covered],
                traits_missing=[trait.value for trait in Trait if trait.value not in covered],
                distinct_nominators=len(givers.get(user_id, ())),
                team_median_nominators=float(median(team)) if team else 0.0,
            )
        )
    return packets
