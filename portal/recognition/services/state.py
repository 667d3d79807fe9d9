"""The one function that moves a nomination, and what every step around it shares."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.models import User
from portal.core.audit import record_audit
from portal.core.db import rows_changed, utcnow
from portal.core.errors import Conflict, DomainError, NotFound
from portal.notifications.services import clear_notifications, notify
from portal.recognition.models import (
    ApprovalStep,
    Award,
    Nomination,
    NominationEvent,
    NominationStatus,
    PointsLedgerEntry,
)
from portal.recognition.rollups.counting import count_award
from portal.recognition.rules import FINAL_STATUSES, TRANSITIONS, Level

APPROVALS_LINK = "/recognition/approvals"
MINE_LINK = "/recognition/mine"


def approvals_link(nomination_id: int) -> str:
    """Each nomination's own link, so its notifications can be found, grouped and cleared."""
    return f"{APPROVALS_LINK}#nomination-{nomination_id}"


def mine_link(nomination_id: int) -> str:
    return f"{MINE_LINK}#nomination-{nomination_id}"


class AlreadyDecided(Conflict):
    def __init__(self) -> None:
        super().__init__("This nomination was already decided.")


def move_nomination(
    session: Session,
    nomination: Nomination,
    actor_id: int | None,
    to_status: NominationStatus,
    action: str,
    note: str = "",
    *,
    next_level: int | None = None,
    **changes: object,
) -> None:
    """The only way a nomination changes state: a conditional update plus an event row.

    The update only matches the version this request read, so of two people deciding at
    once exactly one wins; the other gets AlreadyDecided and has written nothing. Other
    column changes that belong to the same step travel in `changes`, under the same guard.
    """
    if to_status not in TRANSITIONS[nomination.status]:
        raise AlreadyDecided()
    values: dict[str, object] = {
        **changes,
        "status": to_status,
        "version": nomination.version + 1,
    }
    if next_level is not None:
        values["current_level"] = next_level
    if to_status in FINAL_STATUSES:
        values["decided_at"] = utcnow()
    changed = rows_changed(
        session,
        update(Nomination)
        .where(Nomination.id == nomination.id, Nomination.version == nomination.version)
        .values(**values)
        .execution_options(synchronize_session=False),
    )
    if changed != 1:
        raise AlreadyDecided()
    session.add(
        NominationEvent(
            nomination_id=nomination.id,
            actor_id=actor_id,
            action=action,
            from_status=nomination.status.value,
            to_status=to_status.value,
            level=nomination.current_level,
            note=note,
        )
    )
    record_audit(
        session,
        f"nomination_{action}",
        actor_id=actor_id,
        target=f"nomination {nomination.id}",
        detail=note,
    )
    for name, value in values.items():
        set_committed_value(nomination, name, value)
    # Whatever was asked of the approvers of the step just left is answered now.
    clear_notifications(session, approvals_link(nomination.id))
    session.flush()


def nomination_or_404(session: Session, nomination_id: int) -> Nomination:
    nomination = session.get(Nomination, nomination_id)
    if nomination is None:
        raise NotFound("That nomination does not exist.")
    return nomination


def require_reason(reason: str) -> str:
    if not reason.strip():
        raise DomainError("Give a reason the nominator will see.", field="reason")
    return reason.strip()


def approvers_at(session: Session, nomination_id: int, level: int) -> list[int]:
    return list(
        session.scalars(
            select(ApprovalStep.approver_id).where(
                ApprovalStep.nomination_id == nomination_id, ApprovalStep.level == level
            )
        )
    )


def last_level(session: Session, nomination_id: int) -> int:
    return (
        session.scalar(
            select(func.max(ApprovalStep.level)).where(ApprovalStep.nomination_id == nomination_id)
        )
        or 1
    )


def stored_levels(session: Session, nomination: Nomination) -> dict[int, Level]:
    """The approval steps from the current level on, as stored, by level in order."""
    rows = session.execute(
        select(ApprovalStep.level, ApprovalStep.approver_id, ApprovalStep.route)
        .where(
            ApprovalStep.nomination_id == nomination.id,
            ApprovalStep.level >= nomination.current_level,
        )
        .order_by(ApprovalStep.level, ApprovalStep.approver_id)
    )
    levels: dict[int, Level] = {}
    for level, approver_id, route in rows:
        levels.setdefault(level, Level([], route)).approver_ids.append(approver_id)
    return levels


def add_steps(session: Session, nomination_id: int, levels: Iterable[tuple[int, Level]]) -> None:
    session.add_all(
        ApprovalStep(
            nomination_id=nomination_id, level=number, approver_id=approver_id, route=level.route
        )
        for number, level in levels
        for approver_id in level.approver_ids
    )


def name_of(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.display_name if user is not None else "Someone"


def award_of(session: Session, nomination: Nomination) -> Award:
    award = session.get(Award, nomination.awarded_award_id or nomination.award_id)
    assert award is not None
    return award


def ask_approvers(
    session: Session, nomination: Nomination, approver_ids: list[int], level: int, base_url: str
) -> None:
    steps = last_level(session, nomination.id)
    where = f" (step {level} of {steps})" if steps > 1 else ""
    notify(
        session,
        approver_ids,
        f"{name_of(session, nomination.nominator_id)} nominated "
        f"{name_of(session, nomination.nominee_id)} for {award_of(session, nomination).name}: "
        f"it is waiting for your decision{where}.",
        approvals_link(nomination.id),
        base_url=base_url,
    )


def ask_current_approvers(session: Session, nomination: Nomination, base_url: str) -> None:
    level = nomination.current_level
    ask_approvers(session, nomination, approvers_at(session, nomination.id, level), level, base_url)


def tell_nominator(
    session: Session, nomination: Nomination, message: str, actor_id: int, base_url: str
) -> None:
    notify(
        session,
        [nomination.nominator_id],
        message,
        mine_link(nomination.id),
        base_url=base_url,
        actor_id=actor_id,
    )


def reject(
    session: Session, nomination: Nomination, actor_id: int, action: str, note: str, base_url: str
) -> None:
    move_nomination(session, nomination, actor_id, NominationStatus.REJECTED, action, note)
    tell_nominator(
        session,
        nomination,
        f"{name_of(session, actor_id)} did not approve your nomination of "
        f"{name_of(session, nomination.nominee_id)}: {note}",
        actor_id,
        base_url,
    )


def grant_award(
    session: Session,
    nomination: Nomination,
    actor_id: int,
    action: str,
    note: str,
    base_url: str,
    *,
    awarded_award_id: int | None = None,
) -> None:
    """Approve the last level: credit the points and tell the nominee, nominator and manager."""
    changes: dict[str, Any] = {}
    if awarded_award_id is not None:
        changes["awarded_award_id"] = awarded_award_id
    move_nomination(
        session, nomination, actor_id, NominationStatus.APPROVED, action, note, **changes
    )
    count_award(session, nomination)
    award = award_of(session, nomination)
    nominee = session.get(User, nomination.nominee_id)
    assert nominee is not None
    session.add(
        PointsLedgerEntry(
            user_id=nominee.id, nomination_id=nomination.id, award_id=award.id, points=award.points
        )
    )
    session.flush()
    nominator = name_of(session, nomination.nominator_id)
    link = f"/recognition#nomination-{nomination.id}"
    told = [
        ([nominee.id], f"You received {award.name} from {nominator}."),
    ]
    tell_nominator(
        session,
        nomination,
        f"{name_of(session, actor_id)} approved your nomination of {nominee.display_name}: "
        f"{nominee.display_name} received {award.name}.",
        actor_id,
        base_url,
    )
    if nominee.manager_id not in (None, nomination.nominator_id):
        told.append(
            (
                [nominee.manager_id],
                f"{nominee.display_name} received {award.name} from {nominator}.",
            )
        )
    for recipients, message in told:
        notify(session, recipients, message, link, base_url=base_url, actor_id=actor_id)
