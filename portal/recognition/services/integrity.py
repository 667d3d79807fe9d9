"""Integrity flags: patterns that hold a nomination for an admin, and resolving them."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import Result, select, union, update
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.db import utcnow
from portal.core.errors import Forbidden
from portal.recognition.models import (
    ApprovalStep,
    FlagKind,
    FlagResolution,
    IntegrityFlag,
    Nomination,
    NominationEvent,
    NominationStatus,
)
from portal.recognition.rules import LEVEL_APPROVALS, LIVE_STATUSES
from portal.recognition.services.state import (
    AlreadyDecided,
    ask_current_approvers,
    grant_award,
    last_level,
    move_nomination,
    nomination_or_404,
    reject,
    require_reason,
)

FLAG_WINDOW = timedelta(days=90)
# Concentration is only judged once a nominator has sent this many nominations in the window.
CONCENTRATION_MINIMUM = 5


def integrity_concerns(
    session: Session, nominator: User, nominee: User, now: datetime
) -> list[tuple[FlagKind, str]]:
    """Patterns that deserve an admin's look: reciprocity, rings and one-sided giving."""
    edges = session.execute(
        select(Nomination.nominator_id, Nomination.nominee_id).where(
            Nomination.created_at >= now - FLAG_WINDOW,
            Nomination.status.in_(LIVE_STATUSES),
            (Nomination.nominator_id.in_([nominator.id, nominee.id]))
            | (Nomination.nominee_id == nominator.id),
        )
    ).all()
    concerns: list[tuple[FlagKind, str]] = []
    if (nominee.id, nominator.id) in edges:
        concerns.append(
            (
                FlagKind.RECIPROCAL,
                f"{nominee.display_name} also nominated {nominator.display_name} "
                "within the last 90 days.",
            )
        )
    from_nominee = {to for giver, to in edges if giver == nominee.id}
    to_nominator = {giver for giver, to in edges if to == nominator.id}
    third_parties = (from_nominee & to_nominator) - {nominator.id, nominee.id}
    if third_parties:
        names = session.scalars(
            select(User.display_name).where(User.id.in_(third_parties)).order_by(User.display_name)
        ).all()
        concerns.append(
            (
                FlagKind.RING,
                f"Ring of three within 90 days: {nominator.display_name} → "
                f"{nominee.display_name} → {', '.join(names)} → {nominator.display_name}.",
            )
        )
    given = Counter(to for giver, to in edges if giver == nominator.id)
    given[nominee.id] += 1
    total = sum(given.values())
    if total >= CONCENTRATION_MINIMUM and given[nominee.id] * 2 > total:
        concerns.append(
            (
                FlagKind.CONCENTRATION,
                f"{given[nominee.id]} of {nominator.display_name}'s {total} nominations in the "
                f"last 90 days went to {nominee.display_name}.",
            )
        )
    return concerns


def involved_in(session: Session, nomination_ids: list[int]) -> dict[int, set[int]]:
    """Who is part of each nomination: nominee, nominator, whoever approved a level, and the
    approvers of the level it waits at. None of them resolves its integrity flags."""
    if not nomination_ids:
        return {}
    parties = select(Nomination.id, Nomination.nominee_id).where(Nomination.id.in_(nomination_ids))
    rows: Result[int, int] = session.execute(
        union(
            parties,
            select(Nomination.id, Nomination.nominator_id).where(Nomination.id.in_(nomination_ids)),
            select(ApprovalStep.nomination_id, ApprovalStep.approver_id)
            .join(Nomination, Nomination.id == ApprovalStep.nomination_id)
            .where(
                ApprovalStep.nomination_id.in_(nomination_ids),
                ApprovalStep.level == Nomination.current_level,
            ),
            select(NominationEvent.nomination_id, NominationEvent.actor_id).where(
                NominationEvent.nomination_id.in_(nomination_ids),
                NominationEvent.action.in_(LEVEL_APPROVALS),
                NominationEvent.actor_id.is_not(None),
            ),
        )
    )
    involved: dict[int, set[int]] = {}
    for nomination_id, person_id in rows:
        involved.setdefault(nomination_id, set()).add(person_id)
    return involved


def _check_free_to_resolve(session: Session, admin: User, nomination: Nomination) -> None:
    if not admin.is_admin:
        raise Forbidden("Only admins resolve integrity flags.")
    if admin.id == nomination.nominee_id:
        raise Forbidden("You are the nominee, so another admin resolves this flag.")
    if admin.id == nomination.nominator_id:
        raise Forbidden("You made this nomination, so another admin resolves this flag.")
    if admin.id in involved_in(session, [nomination.id]).get(nomination.id, set()):
        raise Forbidden(
            "You are an approver of this nomination, so another admin resolves this flag."
        )


def resolve_flags(
    session: Session,
    admin: User,
    nomination_id: int,
    resolution: FlagResolution,
    *,
    reason: str = "",
    base_url: str,
) -> Nomination:
    """An admin clears a held nomination (it carries on) or rejects it with a reason."""
    nomination = nomination_or_404(session, nomination_id)
    _check_free_to_resolve(session, admin, nomination)
    if nomination.status is not NominationStatus.FLAGGED:
        raise AlreadyDecided()
    note = require_reason(reason) if resolution is FlagResolution.REJECTED else reason.strip()
    session.execute(
        update(IntegrityFlag)
        .where(IntegrityFlag.nomination_id == nomination.id, IntegrityFlag.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=admin.id, resolution=resolution)
        .execution_options(synchronize_session=False)
    )
    if resolution is FlagResolution.REJECTED:
        reject(session, nomination, admin.id, "flag_rejected", note, base_url)
    elif nomination.current_level > last_level(session, nomination.id):
        grant_award(session, nomination, admin.id, "flag_cleared", note, base_url)
    else:
        move_nomination(
            session, nomination, admin.id, NominationStatus.PENDING, "flag_cleared", note
        )
        ask_current_approvers(session, nomination, base_url)
    return nomination
