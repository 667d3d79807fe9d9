"""The nomination card every recognition page shows, read in two statements for a whole list."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from portal.accounts.models import User
from portal.core.pagination import decode_cursor
from portal.recognition.models import (
    Award,
    AwardTier,
    Nomination,
    NominationStatus,
    NominationTrait,
    Trait,
)


@dataclass(frozen=True)
class NominationCard:
    id: int
    version: int
    status: NominationStatus
    nominee_id: int
    nominee_name: str
    nominator_id: int
    nominator_name: str
    award_name: str
    award_tier: AwardTier
    points: int
    citation: str
    confidential_note: str
    evidence_reference: str
    customer_words: str
    team_group_id: str | None
    created_at: datetime
    decided_at: datetime | None
    traits: list[Trait]


# Made once: a fresh alias adapts every column it is asked for again, which cost more than
# the card query's own SQL on the wall and approvals pages.
_NOMINEE = aliased(User, name="card_nominee")
_NOMINATOR = aliased(User, name="card_nominator")
_AWARD = aliased(Award, name="card_award")


def card_query() -> Select[Nomination, str, str, str, AwardTier, int]:
    """A nomination with its people's names and the award it stands at (the lower one, once an
    approver chose it); pages add their own columns, conditions and order."""
    return (
        select(
            Nomination,
            _NOMINEE.display_name.label("nominee_name"),
            _NOMINATOR.display_name.label("nominator_name"),
            _AWARD.name.label("award_name"),
            _AWARD.tier.label("award_tier"),
            _AWARD.points.label("points"),
        )
        .join(_NOMINEE, Nomination.nominee_id == _NOMINEE.id)
        .join(_NOMINATOR, Nomination.nominator_id == _NOMINATOR.id)
        .join(_AWARD, func.coalesce(Nomination.awarded_award_id, Nomination.award_id) == _AWARD.id)
    )


def _traits_of(session: Session, nomination_ids: list[int]) -> dict[int, list[Trait]]:
    traits: dict[int, list[Trait]] = defaultdict(list)
    if not nomination_ids:
        return traits
    rows = session.execute(
        select(NominationTrait.nomination_id, NominationTrait.trait).where(
            NominationTrait.nomination_id.in_(nomination_ids)
        )
    )
    order = list(Trait)
    for row in rows:
        traits[row.nomination_id].append(row.trait)
    for values in traits.values():
        values.sort(key=order.index)
    return traits


def cards_from(session: Session, rows: Iterable[Row[Any]]) -> list[NominationCard]:
    """A card for each row of `card_query`, with its traits: one more statement."""
    rows = list(rows)
    traits = _traits_of(session, [row.Nomination.id for row in rows])
    return [_card(row, traits.get(row.Nomination.id, [])) for row in rows]


def cards_after(
    session: Session,
    query: Select[Any],
    cursor: str | None,
    column: ColumnElement[int] | InstrumentedAttribute[int],
    *,
    descending: bool = False,
) -> tuple[list[Row[Any]], list[NominationCard]]:
    """The rows of a card query past the cursor's id in `column` (the query's order), and a
    card for each: two statements."""
    key = decode_cursor(cursor, 1, (int,))
    if key is not None:
        query = query.where(column < key[0] if descending else column > key[0])
    rows = list(session.execute(query))
    return rows, cards_from(session, rows)


def _card(row: Row[Any], traits: list[Trait]) -> NominationCard:
    nomination: Nomination = row.Nomination
    return NominationCard(
        id=nomination.id,
        version=nomination.version,
        status=nomination.status,
        nominee_id=nomination.nominee_id,
        nominee_name=row.nominee_name,
        nominator_id=nomination.nominator_id,
        nominator_name=row.nominator_name,
        award_name=row.award_name,
        award_tier=row.award_tier,
        points=row.points,
        citation=nomination.citation,
        confidential_note=nomination.confidential_note,
        evidence_reference=nomination.evidence_reference,
        customer_words=nomination.customer_words,
        team_group_id=nomination.team_group_id,
        created_at=nomination.created_at,
        decided_at=nomination.decided_at,
        traits=traits,
    )
