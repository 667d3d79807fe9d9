"""Who may see which review packets, and the packets themselves."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from portal.accounts.models import Department, User
from portal.accounts.queries import report_ids
from portal.core.db import utcnow
from portal.core.errors import Forbidden, NotFound
from portal.core.pagination import Page, beyond, decode_cursor, page_from_rows
from portal.core.spreadsheets import csv_chunks
from portal.recognition.cycles import OpenCycle
from portal.reviews.exports import cycle_file_name
from portal.reviews.models import ReviewCycle, ReviewPacket
from portal.reviews.packets import Packet, build_packets


def list_cycles(session: Session) -> list[ReviewCycle]:
    return list(
        session.scalars(select(ReviewCycle).order_by(ReviewCycle.starts_on.desc(), ReviewCycle.id))
    )


def get_cycle(session: Session, cycle_id: int) -> ReviewCycle:
    cycle = session.get(ReviewCycle, cycle_id)
    if cycle is None:
        raise NotFound("That review cycle does not exist.")
    return cycle


def get_current_cycle(session: Session, today: date | None = None) -> ReviewCycle | None:
    """The cycle open today (not closed, today within its days), the latest if several are."""
    today = today or utcnow().date()
    return session.scalars(
        select(ReviewCycle)
        .where(
            ReviewCycle.closed_at.is_(None),
            ReviewCycle.starts_on <= today,
            ReviewCycle.ends_on >= today,
        )
        .order_by(ReviewCycle.starts_on.desc(), ReviewCycle.id.desc())
        .limit(1)
    ).first()


def get_open_cycle(session: Session) -> OpenCycle | None:
    """The cycle nominations go to today, as recognition takes it (create_app hands it down)."""
    cycle = get_current_cycle(session)
    return None if cycle is None else OpenCycle(cycle.id, cycle.name)


def visible_user_ids(session: Session, viewer: User) -> set[int] | None:
    """Whose packets the viewer may read: None means everyone (admins)."""
    if viewer.is_admin:
        return None
    if viewer.is_manager:
        return report_ids(session, viewer.id) | {viewer.id}
    return {viewer.id}


@dataclass(frozen=True)
class ReviewablePerson:
    id: int
    display_name: str
    job_title: str
    department: str | None


@dataclass(frozen=True)
class ReviewsPage:
    cycles: list[ReviewCycle]
    cycle: ReviewCycle | None
    people: Page[ReviewablePerson]


def get_reviews_page(
    session: Session,
    viewer: User,
    *,
    cycle_id: int | None = None,
    cursor: str | None = None,
    limit: int = 25,
) -> ReviewsPage:
    """The cycles, and the people whose packets the viewer may open: at most three statements."""
    cycles = list_cycles(session)
    cycle = next((item for item in cycles if item.id == cycle_id), cycles[0] if cycles else None)
    visible = visible_user_ids(session, viewer)
    order = (User.display_name, User.id)
    query = (
        select(User.id, User.display_name, User.job_title, Department.name.label("department"))
        .outerjoin(Department, User.department_id == Department.id)
        .order_by(*order)
        .limit(limit + 1)
    )
    if visible is not None:
        query = query.where(User.id.in_(visible))
    key = decode_cursor(cursor, 2, (str, int))
    if key is not None:
        query = query.where(beyond(order, key))
    rows = [ReviewablePerson(**row._mapping) for row in session.execute(query)]
    people = page_from_rows(rows, limit, lambda person: (person.display_name, person.id))
    return ReviewsPage(cycles, cycle, people)


def get_packet(session: Session, viewer: User, cycle_id: int, user_id: int) -> Packet:
    """One packet: frozen when its cycle is closed, live otherwise; a fixed number of statements."""
    visible = visible_user_ids(session, viewer)
    if visible is not None and user_id not in visible:
        raise Forbidden("You can only see your own packets and your reports'.")
    cycle = get_cycle(session, cycle_id)
    if cycle.closed_at is not None:
        content = session.scalar(
            select(ReviewPacket.content).where(
                ReviewPacket.cycle_id == cycle_id, ReviewPacket.user_id == user_id
            )
        )
        if content is None:
            raise NotFound("This person has no packet in that closed cycle.")
        return Packet.from_dict(content)
    packets = build_packets(session, cycle, [user_id])
    if not packets:
        raise NotFound("That person does not exist.")
    return packets[0]


def list_cycle_packets(session: Session, cycle_id: int) -> list[Packet]:
    """Every packet of a cycle for the HR export: frozen ones once it is closed."""
    export = get_cycle_export(session, cycle_id, "csv")
    return [packet for batch in export.batches for packet in batch]


# People per batch of an export: memory and statements per batch stay fixed at any size;
# smaller batches repeat the per-batch scans of votes and idea events more often.
EXPORT_BATCH = 1000


@dataclass(frozen=True)
class CycleExport:
    file_name: str  # carries the cycle's name and dates
    batches: Iterator[list[Packet]]  # read lazily, in key order, while the response streams


def get_cycle_export(
    session: Session, cycle_id: int, extension: str, batch_size: int | None = None
) -> CycleExport:
    """The packets of a cycle for the HR export, and the file name they download as.

    The cycle is read now (a missing one is a 404 before any byte is sent); the packets are
    read batch by batch as the caller iterates, with a fixed number of statements per batch.
    """
    cycle = get_cycle(session, cycle_id)
    name = cycle_file_name(cycle.name, cycle.starts_on, cycle.ends_on, extension)
    size = batch_size or EXPORT_BATCH
    if cycle.closed_at is None:
        return CycleExport(name, _live_batches(session, cycle, size))
    return CycleExport(name, _frozen_batches(session, cycle_id, size))


def _live_batches(session: Session, cycle: ReviewCycle, size: int) -> Iterator[list[Packet]]:
    """Live packets by (display name, id), the order `build_packets` gives everyone in."""
    after: tuple[str, int] | None = None
    while True:
        query = select(User.id, User.display_name).order_by(User.display_name, User.id)
        if after is not None:
            query = query.where(tuple_(User.display_name, User.id) > tuple_(*after))
        rows = list(session.execute(query.limit(size)))
        if not rows:
            return
        yield build_packets(session, cycle, [row.id for row in rows])
        if len(rows) < size:
            return
        after = (rows[-1].display_name, rows[-1].id)


def _frozen_batches(session: Session, cycle_id: int, size: int) -> Iterator[list[Packet]]:
    """Frozen packets by person id, one statement per batch."""
    after = 0
    while True:
        rows = list(
            session.execute(
                select(ReviewPacket.user_id, ReviewPacket.content)
                .where(ReviewPacket.cycle_id == cycle_id, ReviewPacket.user_id > after)
                .order_by(ReviewPacket.user_id)
                .limit(size)
            )
        )
        if not rows:
            return
        yield [Packet.from_dict(row.content) for row in rows]
        if len(rows) < size:
            return
        after = rows[-1].user_id


CSV_COLUMNS = [
    "cycle",
    "name",
    "email",
    "department",
    "job_title",
    "awards",
    "points",
    "award_names",
    "traits_covered",
    "distinct_nominators",
    "team_median_nominators",
    "ideas_submitted",
    "ideas_implemented",
    "idea_impacts",
    "votes_received",
]


def _impacts_text(packet: Packet) -> str:
    """One cell: "Idea title: measure before -> after unit" for each measured impact."""
    return "; ".join(
        f"{idea.title}: {impact.measure} {impact.before} -> {impact.after} {impact.unit}"
        for idea in packet.ideas
        for impact in idea.impacts
    )


def packet_row(packet: Packet) -> list[object]:
    """One packet as a CSV row, in the order of `CSV_COLUMNS`."""
    return [
        packet.cycle_name,
        packet.name,
        packet.email,
        packet.department,
        packet.job_title,
        len(packet.awards),
        packet.points,
        "; ".join(award.award for award in packet.awards),
        "; ".join(packet.traits_covered),
        packet.distinct_nominators,
        packet.team_median_nominators,
        packet.ideas_submitted,
        packet.ideas_implemented,
        _impacts_text(packet),
        packet.votes_received,
    ]


def packets_as_csv(batches: Iterable[list[Packet]]) -> Iterator[str]:
    """The CSV document in chunks: the header, then one chunk per batch."""
    return csv_chunks(CSV_COLUMNS, ([packet_row(packet) for packet in batch] for batch in batches))


def packets_as_json(batches: Iterable[list[Packet]]) -> Iterator[str]:
    """`json.dumps(packets, indent=2)` in chunks, byte for byte, one chunk per batch."""
    opened = False
    for batch in batches:
        for packet in batch:
            item = json.dumps(packet.to_dict(), indent=2).replace("\n", "\n  ")
            yield (",\n  " if opened else "[\n  ") + item
            opened = True
    yield "\n]" if opened else "[]"
