"""What colleagues see of approved awards: the wall, and the awards on a person's profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session, aliased

from portal.accounts.models import User
from portal.core.pagination import Page, beyond, decode_timestamp_cursor, page_from_rows
from portal.recognition.models import (
    Award,
    AwardTier,
    Nomination,
    NominationStatus,
    RecognitionPreference,
)
from portal.recognition.queries.cards import NominationCard, card_query, cards_from


def _visible_to(viewer: User) -> ColumnElement[bool]:
    """Awards of people who keep them from colleagues show only to admins and to themselves."""
    if viewer.is_admin:
        return true()
    hidden = select(RecognitionPreference.user_id).where(
        RecognitionPreference.hidden_from_colleagues.is_(True),
        RecognitionPreference.user_id != viewer.id,
    )
    return Nomination.nominee_id.not_in(hidden)


def list_wall(
    session: Session, viewer: User, *, cursor: str | None = None, limit: int = 25
) -> Page[NominationCard]:
    """Approved awards the viewer may see, newest first: two statements."""
    order = (Nomination.decided_at, Nomination.id)
    query = (
        card_query()
        .where(Nomination.status == NominationStatus.APPROVED, _visible_to(viewer))
        .order_by(*(column.desc() for column in order))
        .limit(limit + 1)
    )
    key = decode_timestamp_cursor(cursor)
    if key is not None:
        query = query.where(beyond(order, key, descending=True))
    cards = cards_from(session, session.execute(query))
    return page_from_rows(cards, limit, lambda card: (card.decided_at.isoformat(), card.id))


@dataclass(frozen=True)
class PersonAward:
    nomination_id: int
    award_name: str
    tier: AwardTier
    citation: str
    nominator_name: str
    decided_at: datetime


def list_person_awards(session: Session, user_id: int, viewer: User) -> list[PersonAward]:
    """A person's approved awards for their profile, if the viewer may see them: one statement."""
    nominator = aliased(User)
    rows = session.execute(
        select(
            Nomination.id.label("nomination_id"),
            Award.name.label("award_name"),
            Award.tier.label("tier"),
            Nomination.citation.label("citation"),
            nominator.display_name.label("nominator_name"),
            Nomination.decided_at.label("decided_at"),
        )
        .join(Award, func.coalesce(Nomination.awarded_award_id, Nomination.award_id) == Award.id)
        .join(nominator, Nomination.nominator_id == nominator.id)
        .where(
            Nomination.nominee_id == user_id,
            Nomination.status == NominationStatus.APPROVED,
            _visible_to(viewer),
        )
        .order_by(Nomination.decided_at.desc(), Nomination.id.desc())
        .limit(100)
    )
    return [PersonAward(**row._mapping) for row in rows]
