"""Keeping the recognition summary rows current, in the transaction of the write.

`nominate` counts each nomination it creates (`count_nomination`), and the approval of the
last level counts the award (`count_award`). `recount.py` rebuilds and verifies them.
"""

from __future__ import annotations

from sqlalchemy import Table, case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.core.counters import add_to_counts
from portal.recognition.models import Nomination
from portal.recognition.rollups.models import CycleNominator, CycleNominatorPair, CycleRecipient

RECIPIENTS: Table = CycleRecipient.__table__  # type: ignore[assignment]
PAIRS: Table = CycleNominatorPair.__table__  # type: ignore[assignment]
NOMINATORS: Table = CycleNominator.__table__  # type: ignore[assignment]


def _insert(session: Session, table: Table):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def count_nomination(session: Session, nomination: Nomination) -> None:
    """A nomination was created: count it for its nominator and their pair (two statements)."""
    pair = _insert(session, PAIRS).values(
        cycle_id=nomination.cycle_id,
        nominator_id=nomination.nominator_id,
        nominee_id=nomination.nominee_id,
        nominations=1,
    )
    pair = pair.on_conflict_do_update(
        index_elements=["cycle_id", "nominator_id", "nominee_id"],
        set_={"nominations": PAIRS.c.nominations + 1},
    ).returning(PAIRS.c.nominations)
    together = session.execute(pair).scalar_one()
    giver = _insert(session, NOMINATORS).values(
        cycle_id=nomination.cycle_id,
        nominator_id=nomination.nominator_id,
        nominations=1,
        top_count=together,
    )
    top = NOMINATORS.c.top_count
    giver = giver.on_conflict_do_update(
        index_elements=["cycle_id", "nominator_id"],
        set_={
            "nominations": NOMINATORS.c.nominations + 1,
            "top_count": case(
                (giver.excluded.top_count > top, giver.excluded.top_count), else_=top
            ),
        },
    )
    session.execute(giver)


def count_award(session: Session, nomination: Nomination) -> None:
    """A nomination was approved at its last level: one more award for the nominee's cycle."""
    add_to_counts(
        session,
        RECIPIENTS,
        ("cycle_id", "person_id"),
        "awards",
        {(nomination.cycle_id, nomination.nominee_id): 1},
    )
