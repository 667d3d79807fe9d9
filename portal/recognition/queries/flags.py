"""The integrity flags page: held nominations and the admins free to resolve them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.core.pagination import Page, page_from_rows
from portal.recognition.models import IntegrityFlag, Nomination, NominationStatus
from portal.recognition.queries.cards import NominationCard, card_query, cards_after
from portal.recognition.services.integrity import involved_in


@dataclass(frozen=True)
class FlagRow:
    flag_id: int
    kind: str
    reason: str
    created_at: datetime
    card: NominationCard
    # Admins who are not part of the nomination: only they resolve its flags.
    resolvers: list[str]
    viewer_may_resolve: bool


@dataclass(frozen=True)
class _Admin:
    id: int
    display_name: str


def _active_admins(session: Session) -> list[_Admin]:
    rows = session.execute(
        select(User.id, User.display_name)
        .where(User.role == Role.ADMIN, User.active.is_(True))
        .order_by(User.display_name, User.id)
    )
    return [_Admin(**row._mapping) for row in rows]


def list_open_flags(
    session: Session, viewer_id: int, *, cursor: str | None = None, limit: int = 25
) -> Page[FlagRow]:
    """Unresolved integrity flags with their nomination and the admins free to resolve them,
    oldest first: four statements."""
    query = (
        card_query()
        .add_columns(
            IntegrityFlag.id.label("flag_id"),
            IntegrityFlag.kind.label("flag_kind"),
            IntegrityFlag.reason.label("flag_reason"),
            IntegrityFlag.created_at.label("flagged_at"),
        )
        .join(IntegrityFlag, IntegrityFlag.nomination_id == Nomination.id)
        .where(IntegrityFlag.resolved_at.is_(None), Nomination.status == NominationStatus.FLAGGED)
        .order_by(IntegrityFlag.id)
        .limit(limit + 1)
    )
    rows, cards = cards_after(session, query, cursor, IntegrityFlag.id)
    involved = involved_in(session, [card.id for card in cards])
    admins = _active_admins(session)
    items = []
    for card, row in zip(cards, rows, strict=True):
        part = involved.get(card.id, set())
        items.append(
            FlagRow(
                flag_id=row.flag_id,
                kind=row.flag_kind.value,
                reason=row.flag_reason,
                created_at=row.flagged_at,
                card=card,
                resolvers=[admin.display_name for admin in admins if admin.id not in part],
                viewer_may_resolve=viewer_id not in part,
            )
        )
    return page_from_rows(items, limit, lambda item: (item.flag_id,))
