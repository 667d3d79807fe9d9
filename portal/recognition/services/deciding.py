"""Deciding nominations: approvers approve, lower the tier, return or reject, level by level;
nominators resubmit or withdraw."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.errors import DomainError, Forbidden
from portal.recognition.models import (
    ApprovalStep,
    Award,
    FlagKind,
    IntegrityFlag,
    Nomination,
    NominationEvent,
    NominationStatus,
    StepRoute,
)
from portal.recognition.queries.waiting import describe_approvers
from portal.recognition.routing import route_nomination
from portal.recognition.rules import LEVEL_APPROVALS, LIVE_STATUSES, TRANSITIONS, Level
from portal.recognition.services.state import (
    AlreadyDecided,
    add_steps,
    ask_approvers,
    ask_current_approvers,
    award_of,
    grant_award,
    move_nomination,
    name_of,
    nomination_or_404,
    reject,
    require_reason,
    stored_levels,
    tell_nominator,
)

Status = NominationStatus


class Decision(enum.StrEnum):
    APPROVE = "approve"
    APPROVE_LOWER = "approve_lower"
    RETURN = "return"
    REJECT = "reject"


@dataclass(frozen=True)
class Decided:
    """A decision taken, and the confirmation that tells the approver where it went next."""

    nomination: Nomination
    confirmation: str


def _who(session: Session, level: Level) -> str:
    names = sorted(name_of(session, person) for person in level.approver_ids)
    return describe_approvers(StepRoute(level.route), names)


def _approver_was_nominated_by_nominee(session: Session, approver_id: int, nominee_id: int) -> bool:
    return (
        session.scalar(
            select(Nomination.id)
            .where(
                Nomination.nominator_id == nominee_id,
                Nomination.nominee_id == approver_id,
                Nomination.status.in_(LIVE_STATUSES),
            )
            .limit(1)
        )
        is not None
    )


def _current_award(session: Session, nomination: Nomination) -> Award:
    award = session.get(Award, nomination.awarded_award_id or nomination.award_id)
    assert award is not None
    return award


def _deciders(session: Session, nomination: Nomination) -> dict[int, int]:
    """Who approved each level already passed, by level."""
    rows = session.execute(
        select(NominationEvent.level, NominationEvent.actor_id).where(
            NominationEvent.nomination_id == nomination.id,
            NominationEvent.action.in_(LEVEL_APPROVALS),
            NominationEvent.level < nomination.current_level,
        )
    )
    return {
        level: actor_id for level, actor_id in rows if level is not None and actor_id is not None
    }


def _check_one_level_each(actor: User, deciders: dict[int, int]) -> None:
    for level, decider in sorted(deciders.items()):
        if decider == actor.id:
            raise Forbidden(
                f"You already decided step {level} of this nomination, and nobody decides two "
                "steps of one. Another approver decides this step."
            )


def _check_not_a_party(actor: User, nomination: Nomination) -> None:
    if actor.id == nomination.nominee_id:
        raise Forbidden("You are the nominee, so you cannot decide this nomination.")
    if actor.id == nomination.nominator_id:
        raise Forbidden("You made this nomination, so you cannot decide it.")


@dataclass(frozen=True)
class _Standing:
    """Where a nomination stands, read once per decision (two statements)."""

    deciders: dict[int, int]  # who approved each level already passed
    approvers: list[int]  # who may decide the current level
    later: list[Level]  # the levels after the current one, as stored


def _standing(session: Session, nomination: Nomination) -> _Standing:
    levels = stored_levels(session, nomination)
    current = levels.pop(nomination.current_level, None)
    approvers = current.approver_ids if current else []
    return _Standing(_deciders(session, nomination), approvers, list(levels.values()))


def _remaining_levels(
    session: Session,
    actor: User,
    nomination: Nomination,
    standing: _Standing,
    lower: Award | None,
) -> list[Level]:
    """The levels still to come once the actor approves the current one.

    Nobody decides two levels, so the actor leaves the later ones; a level they were alone at
    goes up as routing would send it. Approving at a lower tier re-routes every later level
    along the lower award's own path instead. Refuses, before anything is written, when a
    level would have nobody left.
    """
    passed = nomination.current_level
    decided_by = {*standing.deciders.values(), actor.id}

    def rerouted(award: Award) -> list[Level]:
        return route_nomination(
            session,
            award,
            nomination.nominator_id,
            nomination.nominee_id,
            passed=passed,
            decided_by=decided_by,
        )

    if lower is not None:
        levels = rerouted(lower)
    else:
        levels = []
        for offset, level in enumerate(standing.later):
            free = [approver for approver in level.approver_ids if approver != actor.id]
            if free:
                levels.append(Level(free, level.route))
            else:
                routed = rerouted(_current_award(session, nomination))
                levels.append(routed[offset] if offset < len(routed) else Level([], level.route))
    if not all(level.approver_ids for level in levels):
        raise DomainError(
            "Nobody else is free to decide the next step of this nomination: everyone left is "
            "part of it or decided an earlier step. Ask an admin to add an approver."
        )
    return levels


def _replace_later_steps(
    session: Session, nomination_id: int, passed: int, levels: list[Level]
) -> None:
    session.execute(
        delete(ApprovalStep).where(
            ApprovalStep.nomination_id == nomination_id, ApprovalStep.level > passed
        )
    )
    add_steps(session, nomination_id, enumerate(levels, start=passed + 1))
    session.flush()


def _approve(
    session: Session,
    actor: User,
    nomination: Nomination,
    note: str,
    base_url: str,
    standing: _Standing,
    lower: Award | None = None,
) -> str:
    """Approve the current level, perhaps switching to a lower award, and move on; says where
    the nomination went.

    A lower award skips nothing: the rest of its own path follows, and the same hold applies.
    """
    passed = nomination.current_level
    stored = standing.later
    remaining = _remaining_levels(session, actor, nomination, standing, lower)
    lower_id = None if lower is None else lower.id
    changes = {} if lower_id is None else {"awarded_award_id": lower_id}
    held = _approver_was_nominated_by_nominee(session, actor.id, nomination.nominee_id)
    if held:
        move_nomination(
            session,
            nomination,
            actor.id,
            Status.FLAGGED,
            "approved_held",
            note,
            next_level=passed + 1,
            **changes,
        )
    elif remaining:
        move_nomination(
            session,
            nomination,
            actor.id,
            Status.PENDING,
            "approved_level" if lower is None else "approved_lower_tier",
            note,
            next_level=passed + 1,
            **changes,
        )
    else:
        action = "approved" if lower is None else "approved_lower_tier"
        grant_award(
            session, nomination, actor.id, action, note, base_url, awarded_award_id=lower_id
        )
    # Written only now: a second approver who lost the race above has changed nothing.
    if remaining != stored:
        _replace_later_steps(session, nomination.id, passed, remaining)
    if held:
        session.add(
            IntegrityFlag(
                nomination_id=nomination.id,
                kind=FlagKind.APPROVER_NOMINATED_BY_NOMINEE,
                reason=f"{actor.display_name} approved a colleague who has nominated them.",
            )
        )
        session.flush()
        return (
            "Approved at your step. It is held for an admin's integrity check, because "
            f"{name_of(session, nomination.nominee_id)} has nominated you."
        )
    award = award_of(session, nomination)
    nominee = name_of(session, nomination.nominee_id)
    tier = "" if lower is None else f" at a lower tier, {award.name}"
    if not remaining:
        return f"Approved{tier}: {nominee} receives {award.name}."
    who = _who(session, remaining[0])
    ask_approvers(session, nomination, remaining[0].approver_ids, passed + 1, base_url)
    tell_nominator(
        session,
        nomination,
        f"{actor.display_name} approved your nomination of {nominee}{tier}; now with {who}.",
        actor.id,
        base_url,
    )
    return f"Approved{tier} at your step; now with {who}."


def _lower_award(session: Session, nomination: Nomination, award_id: int | None) -> Award:
    current = _current_award(session, nomination)
    lower = session.get(Award, award_id) if award_id else None
    if lower is None or not lower.active or lower.tier.rank >= current.tier.rank:
        raise DomainError("Choose an active award of a lower tier.", field="lower_award")
    return lower


def decide_nomination(
    session: Session,
    actor: User,
    nomination_id: int,
    decision: Decision,
    *,
    version: int,
    reason: str = "",
    lower_award_id: int | None = None,
    base_url: str,
) -> Decided:
    """An approver of the current level approves, approves at a lower tier, returns or rejects,
    and is told where the nomination went."""
    nomination = nomination_or_404(session, nomination_id)
    standing = _standing(session, nomination)
    _check_one_level_each(actor, standing.deciders)
    if actor.id not in standing.approvers:
        raise Forbidden("Only the approvers of this nomination can decide it.")
    _check_not_a_party(actor, nomination)
    if nomination.version != version or nomination.status is not Status.PENDING:
        raise AlreadyDecided()
    nominator = name_of(session, nomination.nominator_id)
    if decision is Decision.REJECT:
        reject(session, nomination, actor.id, "rejected", require_reason(reason), base_url)
        confirmation = f"Rejected. {nominator} will see your reason."
    elif decision is Decision.RETURN:
        note = require_reason(reason)
        move_nomination(session, nomination, actor.id, Status.RETURNED, "returned", note)
        tell_nominator(
            session,
            nomination,
            f"{actor.display_name} asks for more about your nomination of "
            f"{name_of(session, nomination.nominee_id)}: {note}",
            actor.id,
            base_url,
        )
        confirmation = f"Returned to {nominator} for more information."
    else:
        lower = None
        if decision is Decision.APPROVE_LOWER:
            lower = _lower_award(session, nomination, lower_award_id)
        confirmation = _approve(
            session, actor, nomination, reason.strip(), base_url, standing, lower
        )
    return Decided(nomination, confirmation)


def resubmit_nomination(
    session: Session, actor: User, nomination_id: int, citation: str, *, version: int, base_url: str
) -> Nomination:
    """The nominator answers a request for more information and sends it back to approvers."""
    nomination = nomination_or_404(session, nomination_id)
    if nomination.nominator_id != actor.id:
        raise Forbidden("Only the nominator can resubmit this nomination.")
    if nomination.version != version or nomination.status is not Status.RETURNED:
        raise AlreadyDecided()
    if not citation.strip():
        raise DomainError("Say what they did for the customer.", field="citation")
    move_nomination(
        session, nomination, actor.id, Status.PENDING, "resubmitted", citation=citation.strip()
    )
    ask_current_approvers(session, nomination, base_url)
    return nomination


def withdraw_nomination(
    session: Session, actor: User, nomination_id: int, *, version: int
) -> Nomination:
    """The nominator takes back a nomination that has not been decided yet."""
    nomination = nomination_or_404(session, nomination_id)
    if nomination.nominator_id != actor.id:
        raise Forbidden("Only the nominator can withdraw this nomination.")
    if nomination.version != version or Status.WITHDRAWN not in TRANSITIONS[nomination.status]:
        raise AlreadyDecided()
    move_nomination(session, nomination, actor.id, Status.WITHDRAWN, "withdrawn")
    return nomination
