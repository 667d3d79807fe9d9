"""Rebuilding the recognition summary rows from the raw rows, and checking them."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.core.counters import differences, replace_rows, stored_counts
from portal.recognition.models import Nomination, NominationStatus
from portal.recognition.rollups.counting import NOMINATORS, PAIRS, RECIPIENTS

Counts = dict[tuple[int, ...], int]


def _recipients(session: Session) -> Counts:
    rows = session.execute(
        select(Nomination.cycle_id, Nomination.nominee_id, func.count())
        .where(Nomination.status == NominationStatus.APPROVED)
        .group_by(Nomination.cycle_id, Nomination.nominee_id)
    )
    return {(cycle, person): awards for cycle, person, awards in rows}


def _pairs(session: Session) -> Counts:
    rows = session.execute(
        select(
            Nomination.cycle_id, Nomination.nominator_id, Nomination.nominee_id, func.count()
        ).group_by(Nomination.cycle_id, Nomination.nominator_id, Nomination.nominee_id)
    )
    return {(cycle, giver, receiver): count for cycle, giver, receiver, count in rows}


def _nominators(pairs: Counts) -> dict[tuple[int, ...], tuple[int, int]]:
    """(nominations, the most to one colleague) per cycle and nominator."""
    totals: Counter[tuple[int, ...]] = Counter()
    tops: dict[tuple[int, ...], int] = defaultdict(int)
    for (cycle, giver, _receiver), count in pairs.items():
        totals[(cycle, giver)] += count
        tops[(cycle, giver)] = max(tops[(cycle, giver)], count)
    return {key: (totals[key], tops[key]) for key in totals}


def rebuild_recognition_rollups(session: Session) -> int:
    pairs = _pairs(session)
    written = replace_rows(
        session,
        RECIPIENTS,
        (
            {"cycle_id": cycle, "person_id": person, "awards": awards}
            for (cycle, person), awards in sorted(_recipients(session).items())
        ),
    )
    written += replace_rows(
        session,
        PAIRS,
        (
            {"cycle_id": cycle, "nominator_id": giver, "nominee_id": receiver, "nominations": count}
            for (cycle, giver, receiver), count in sorted(pairs.items())
        ),
    )
    written += replace_rows(
        session,
        NOMINATORS,
        (
            {"cycle_id": cycle, "nominator_id": giver, "nominations": total, "top_count": top}
            for (cycle, giver), (total, top) in sorted(_nominators(pairs).items())
        ),
    )
    return written


def verify_recognition_rollups(session: Session) -> list[str]:
    pairs = _pairs(session)
    stored_nominators = {
        (row.cycle_id, row.nominator_id): (row.nominations, row.top_count)
        for row in session.execute(select(NOMINATORS).where(NOMINATORS.c.nominations != 0))
    }
    return (
        differences(
            "cycle_recipients",
            stored_counts(session, RECIPIENTS, ("cycle_id", "person_id"), "awards"),
            _recipients(session),
        )
        + differences(
            "cycle_nominator_pairs",
            stored_counts(
                session, PAIRS, ("cycle_id", "nominator_id", "nominee_id"), "nominations"
            ),
            pairs,
        )
        + differences("cycle_nominators", stored_nominators, _nominators(pairs))
    )
