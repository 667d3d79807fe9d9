"""The recognition-equity view: who is and is not being recognised, and by whom."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.accounts.models import Department, User
from portal.accounts.queries import report_ids
from portal.accounts.rollups.models import NO_DEPARTMENT, DepartmentHeadcount
from portal.core.pagination import Page, beyond, decode_cursor, page_from_rows
from portal.recognition.models import FlagKind, IntegrityFlag
from portal.recognition.rollups.models import CycleNominator, CycleNominatorPair, CycleRecipient
from portal.reviews.models import ReviewCycle
from portal.reviews.queries import get_current_cycle

UNRECOGNISED_SHOWN = 200
# The equity page lists the unrecognised a page at a time: the rest follow by key.
UNRECOGNISED_PAGE = 50


@dataclass(frozen=True)
class DepartmentShare:
    name: str
    headcount: int
    recognised: int

    @property
    def percent(self) -> int:
        return round(100 * self.recognised / self.headcount) if self.headcount else 0


@dataclass(frozen=True)
class Unrecognised:
    id: int
    display_name: str
    job_title: str


@dataclass(frozen=True)
class NominatorConcentration:
    name: str
    nominations: int
    top_recipient: str
    top_share_percent: int


@dataclass(frozen=True)
class FlagTally:
    kind: str
    raised: int
    resolved: int


@dataclass(frozen=True)
class Equity:
    cycle: ReviewCycle | None
    departments: list[DepartmentShare]
    unrecognised: Page[Unrecognised]
    concentration: list[NominatorConcentration]
    flags: list[FlagTally]


def _recognised_in(cycle_id: int):
    return select(CycleRecipient.person_id).where(
        CycleRecipient.cycle_id == cycle_id, CycleRecipient.awards > 0
    )


def list_department_shares(session: Session, cycle_id: int) -> list[DepartmentShare]:
    """Active people and those recognised in the cycle, per department: one statement.

    Headcounts are the departments' summary rows (kept by every account write); the
    recognised are the cycle's recipients (summary rows), each looked up by key, so neither
    every person nor the cycle's history is read.
    """
    heads = (
        select(
            DepartmentHeadcount.department_key,
            DepartmentHeadcount.people.label("headcount"),
        )
        .where(DepartmentHeadcount.people != 0)
        .subquery()
    )
    department_key = func.coalesce(User.department_id, NO_DEPARTMENT)
    recognised = (
        select(department_key.label("department_key"), func.count().label("recognised"))
        .select_from(CycleRecipient)
        .join(User, User.id == CycleRecipient.person_id)
        .where(
            CycleRecipient.cycle_id == cycle_id,
            CycleRecipient.awards > 0,
            User.active.is_(True),
        )
        .group_by(department_key)
        .subquery()
    )
    name = func.coalesce(Department.name, "No department")
    rows = session.execute(
        select(
            name.label("name"),
            heads.c.headcount,
            func.coalesce(recognised.c.recognised, 0).label("recognised"),
        )
        .select_from(heads)
        .outerjoin(Department, Department.id == heads.c.department_key)
        .outerjoin(recognised, recognised.c.department_key == heads.c.department_key)
        .order_by(name)
    )
    return [DepartmentShare(**row._mapping) for row in rows]


def list_unrecognised(
    session: Session,
    cycle_id: int,
    among: set[int] | None = None,
    *,
    limit: int = UNRECOGNISED_SHOWN,
    after: tuple[str, int] | None = None,
) -> list[Unrecognised]:
    """Active people with no approved award in the cycle (only those among the ids if given),
    by name, from just after the (name, id) key `after` when given."""
    query = (
        select(User.id, User.display_name, User.job_title)
        .where(User.active.is_(True), User.id.not_in(_recognised_in(cycle_id)))
        .order_by(User.display_name, User.id)
        .limit(limit)
    )
    if among is not None:
        query = query.where(User.id.in_(among))
    if after is not None:
        query = query.where(beyond([User.display_name, User.id], after))
    return [Unrecognised(**row._mapping) for row in session.execute(query)]


def page_of_unrecognised(session: Session, cycle_id: int, cursor: str | None) -> Page[Unrecognised]:
    """One page of the unrecognised, walked by (name, id): the same cost on any page."""
    key = decode_cursor(cursor, 2, (str, int))
    rows = list_unrecognised(
        session,
        cycle_id,
        limit=UNRECOGNISED_PAGE + 1,
        after=(key[0], key[1]) if key is not None else None,
    )
    return page_from_rows(rows, UNRECOGNISED_PAGE, lambda person: (person.display_name, person.id))


CONCENTRATION_FROM = 3


def list_concentration(session: Session, cycle_id: int) -> list[NominatorConcentration]:
    """Nominators with three or more nominations, by how much went to one person.

    Read from the cycle's nominator rows: the nominators with enough nominations, each joined
    to the colleague(s) who received the most from them (ties name the first alphabetically).
    """
    nominator = User.__table__.alias("nominator")
    nominee = User.__table__.alias("nominee")
    rows = session.execute(
        select(
            CycleNominator.nominator_id,
            nominator.c.display_name.label("giver"),
            nominee.c.display_name.label("receiver"),
            CycleNominator.nominations,
            CycleNominator.top_count,
        )
        .join(nominator, CycleNominator.nominator_id == nominator.c.id)
        .join(
            CycleNominatorPair,
            (CycleNominatorPair.cycle_id == CycleNominator.cycle_id)
            & (CycleNominatorPair.nominator_id == CycleNominator.nominator_id)
            & (CycleNominatorPair.nominations == CycleNominator.top_count),
        )
        .join(nominee, CycleNominatorPair.nominee_id == nominee.c.id)
        .where(
            CycleNominator.cycle_id == cycle_id,
            CycleNominator.nominations >= CONCENTRATION_FROM,
        )
        .order_by(CycleNominator.nominator_id, nominee.c.display_name)
    )
    result: dict[int, NominatorConcentration] = {}
    for row in rows:
        if row.nominator_id in result:
            continue
        result[row.nominator_id] = NominatorConcentration(
            name=row.giver,
            nominations=row.nominations,
            top_recipient=row.receiver,
            top_share_percent=round(100 * row.top_count / row.nominations),
        )
    return sorted(
        result.values(), key=lambda item: (-item.top_share_percent, -item.nominations, item.name)
    )


def list_flag_tallies(session: Session) -> list[FlagTally]:
    rows = session.execute(
        select(
            IntegrityFlag.kind,
            func.count(IntegrityFlag.id).label("raised"),
            func.count(IntegrityFlag.resolved_at).label("resolved"),
        ).group_by(IntegrityFlag.kind)
    )
    counted = {row.kind: row for row in rows}
    return [
        FlagTally(
            kind=kind.value.replace("_", " ").capitalize(),
            raised=counted[kind].raised if kind in counted else 0,
            resolved=counted[kind].resolved if kind in counted else 0,
        )
        for kind in FlagKind
    ]


def get_equity(session: Session, cursor: str | None = None) -> Equity:
    """The current cycle's equity figures: six statements whatever the data.

    `cursor` is where the page of unrecognised people starts (the first page without it).
    """
    cycle = get_current_cycle(session)
    if cycle is None:
        return Equity(None, [], Page([], None), [], list_flag_tallies(session))
    return Equity(
        cycle,
        list_department_shares(session, cycle.id),
        page_of_unrecognised(session, cycle.id, cursor),
        list_concentration(session, cycle.id),
        list_flag_tallies(session),
    )


@dataclass(frozen=True)
class TeamGaps:
    cycle: ReviewCycle | None
    unrecognised: list[Unrecognised]


def get_team_gaps(session: Session, manager_id: int) -> TeamGaps:
    """A manager's reports (direct and indirect) not yet recognised this cycle: three statements."""
    cycle = get_current_cycle(session)
    if cycle is None:
        return TeamGaps(None, [])
    return TeamGaps(cycle, list_unrecognised(session, cycle.id, report_ids(session, manager_id)))
