"""My nominations: what I sent, where each stands, and my privacy choice."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.core.pagination import Page, page_from_rows
from portal.recognition.models import Nomination, NominationEvent, RecognitionPreference
from portal.recognition.queries.cards import NominationCard, card_query, cards_after
from portal.recognition.queries.waiting import waiting_for


@dataclass(frozen=True)
class SentNomination:
    card: NominationCard
    last_note: str
    # Who decides its current step, while it is pending ("Dana Director", "the awards committee").
    waiting_for: str | None


def list_sent_nominations(
    session: Session, nominator_id: int, *, cursor: str | None = None, limit: int = 25
) -> Page[SentNomination]:
    """What a person nominated, newest first, with the latest decision note and whom each
    pending one waits for: three statements."""
    latest = (
        select(NominationEvent.nomination_id, func.max(NominationEvent.id).label("event_id"))
        .group_by(NominationEvent.nomination_id)
        .subquery()
    )
    query = (
        card_query()
        .add_columns(NominationEvent.note.label("last_note"))
        .outerjoin(latest, latest.c.nomination_id == Nomination.id)
        .outerjoin(NominationEvent, NominationEvent.id == latest.c.event_id)
        .where(Nomination.nominator_id == nominator_id)
        .order_by(Nomination.id.desc())
        .limit(limit + 1)
    )
    rows, cards = cards_after(session, query, cursor, Nomination.id, descending=True)
    waiting = waiting_for(session, [card.id for card in cards])
    items = [
        SentNomination(card, row.last_note or "", waiting.get(card.id))
        for card, row in zip(cards, rows, strict=True)
    ]
    return page_from_rows(items, limit, lambda item: (item.card.id,))


@dataclass(frozen=True)
class SentPage:
    page: Page[SentNomination]
    hidden_from_colleagues: bool


def get_sent_page(
    session: Session, user_id: int, *, cursor: str | None = None, limit: int = 25
) -> SentPage:
    """My nominations and my privacy choice: four statements."""
    hidden = session.scalar(
        select(RecognitionPreference.hidden_from_colleagues).where(
            RecognitionPreference.user_id == user_id
        )
    )
    page = list_sent_nominations(session, user_id, cursor=cursor, limit=limit)
    return SentPage(page, bool(hidden))
