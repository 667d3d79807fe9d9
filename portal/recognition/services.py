"""Nominating colleagues, deciding nominations, integrity flags and the award catalogue."""

from __future__ import annotations

import enum
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, func, select, union, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.models import User
from portal.core.audit import record_audit
from portal.core.db import utcnow
from portal.core.errors import Conflict, DomainError, Forbidden, NotFound
from portal.notifications.services import notify
from portal.recognition.models import (
    LIVE_STATUSES,
    ApprovalPath,
    ApprovalStep,
    Award,
    AwardTier,
    FlagKind,
    FlagResolution,
    IntegrityFlag,
    Nomination,
    NominationEvent,
    NominationStatus,
    NominationTrait,
    PointsLedgerEntry,
    RecognitionPreference,
    ReviewCycle,
    Trait,
)
from portal.recognition.routing import Level, route_nomination

FLAG_WINDOW = timedelta(days=90)
# Concentration is only judged once a nominator has sent this many nominations in the window.
CONCENTRATION_MINIMUM = 5
APPROVALS_LINK = "/recognition/approvals"
MINE_LINK = "/recognition/mine"
FLAGS_LINK = "/admin/integrity-flags"
# The events of an approver deciding their level (the last one grants the award).
LEVEL_APPROVALS = ("approved", "approved_level", "approved_held", "approved_lower_tier")

Status = NominationStatus
TRANSITIONS: dict[NominationStatus, frozenset[NominationStatus]] = {
    Status.PENDING: frozenset(
        {
            Status.PENDING,
            Status.FLAGGED,
            Status.RETURNED,
            Status.APPROVED,
            Status.REJECTED,
            Status.WITHDRAWN,
        }
    ),
    Status.FLAGGED: frozenset({Status.PENDING, Status.APPROVED, Status.REJECTED, Status.WITHDRAWN}),
    Status.RETURNED: frozenset({Status.PENDING, Status.WITHDRAWN}),
    Status.APPROVED: frozenset(),
    Status.REJECTED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
FINAL_STATUSES = frozenset({Status.APPROVED, Status.REJECTED, Status.WITHDRAWN})


class NominationRefused(DomainError):
    pass


class AlreadyDecided(Conflict):
    def __init__(self) -> None:
        super().__init__("This nomination was already decided.")


class Decision(enum.StrEnum):
    APPROVE = "approve"
    APPROVE_LOWER = "approve_lower"
    RETURN = "return"
    REJECT = "reject"


@dataclass(frozen=True)
class NominationRequest:
    colleague_email: str
    award_id: int | None
    traits: list[str]
    citation: str
    team_emails: list[str] = field(default_factory=list)
    confidential_note: str = ""
    evidence_reference: str = ""
    customer_words: str = ""


# --- the state machine ------------------------------------------------------------------


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
    result = session.execute(
        update(Nomination)
        .where(Nomination.id == nomination.id, Nomination.version == nomination.version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
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
    session.flush()


# --- nominating ---------------------------------------------------------------------------


def current_cycle(session: Session, today: date | None = None) -> ReviewCycle | None:
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


def _normalise_emails(emails: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for email in emails:
        cleaned = email.strip().lower()
        if cleaned:
            seen.setdefault(cleaned, None)
    return list(seen)


def _resolve_nominees(session: Session, actor: User, request: NominationRequest) -> list[User]:
    primary = _normalise_emails([request.colleague_email])
    if not primary:
        raise NominationRefused("Enter your colleague's email.", field="colleague")
    team = [email for email in _normalise_emails(request.team_emails) if email != primary[0]]
    emails = primary + team
    found = {
        user.email: user for user in session.scalars(select(User).where(User.email.in_(emails)))
    }
    nominees = []
    for email in emails:
        where = "colleague" if email == primary[0] else "team"
        user = found.get(email)
        if user is None:
            raise NominationRefused(f"Nobody in the portal has the email {email}.", field=where)
        if user.id == actor.id:
            raise NominationRefused("You cannot nominate yourself.", field=where)
        if not user.active:
            raise NominationRefused(
                f"{user.display_name} is no longer active and cannot be nominated.", field=where
            )
        nominees.append(user)
    return nominees


def _parse_traits(values: Iterable[str]) -> list[Trait]:
    valid = {trait.value for trait in Trait}
    traits = [Trait(value) for value in dict.fromkeys(values) if value in valid]
    if not traits:
        raise NominationRefused("Choose at least one trait.", field="traits")
    return traits


def _active_award(session: Session, award_id: int | None) -> Award:
    award = session.get(Award, award_id) if award_id else None
    if award is None or not award.active:
        raise NominationRefused("Choose one of the awards on offer.", field="award")
    return award


def _check_monthly_limit(session: Session, actor: User, adding: int, limit: int) -> None:
    # Lock the nominator's row so two submissions at once cannot both slip under the limit.
    session.execute(select(User.id).where(User.id == actor.id).with_for_update())
    now = utcnow()
    month_start = datetime(now.year, now.month, 1, tzinfo=UTC)
    sent = session.scalar(
        select(func.count())
        .select_from(Nomination)
        .where(Nomination.nominator_id == actor.id, Nomination.created_at >= month_start)
    )
    if (sent or 0) + adding > limit:
        raise NominationRefused(
            f"You can send at most {limit} nominations a month and have sent {sent}. "
            "Try again next month.",
            field="colleague",
        )


def _duplicate_message(nominee: User, award: Award) -> str:
    return (
        f"You have already nominated {nominee.display_name} for {award.name} in this review cycle."
    )


def _check_not_already_nominated(
    session: Session, actor: User, nominees: list[User], award: Award, cycle: ReviewCycle
) -> None:
    taken = set(
        session.scalars(
            select(Nomination.nominee_id).where(
                Nomination.nominator_id == actor.id,
                Nomination.award_id == award.id,
                Nomination.cycle_id == cycle.id,
                Nomination.nominee_id.in_([nominee.id for nominee in nominees]),
                Nomination.status.in_(LIVE_STATUSES),
            )
        )
    )
    for index, nominee in enumerate(nominees):
        if nominee.id in taken:
            field_name = "colleague" if index == 0 else "team"
            raise NominationRefused(_duplicate_message(nominee, award), field=field_name)


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


def _insert_nomination(session: Session, nomination: Nomination, message: str) -> None:
    try:
        with session.begin_nested():
            session.add(nomination)
            session.flush()
    except IntegrityError:
        raise NominationRefused(message, field="colleague") from None


def _approvers_at(session: Session, nomination_id: int, level: int) -> list[int]:
    return list(
        session.scalars(
            select(ApprovalStep.approver_id).where(
                ApprovalStep.nomination_id == nomination_id, ApprovalStep.level == level
            )
        )
    )


def _add_steps(session: Session, nomination_id: int, levels: Iterable[tuple[int, Level]]) -> None:
    session.add_all(
        ApprovalStep(
            nomination_id=nomination_id, level=number, approver_id=approver_id, route=level.route
        )
        for number, level in levels
        for approver_id in level.approver_ids
    )


def _ask_approvers(session: Session, approver_ids: list[int], base_url: str) -> None:
    notify(
        session,
        approver_ids,
        "A nomination is waiting for your decision.",
        APPROVALS_LINK,
        base_url=base_url,
    )


def _create_nomination(
    session: Session,
    actor: User,
    nominee: User,
    award: Award,
    cycle: ReviewCycle,
    request: NominationRequest,
    traits: list[Trait],
    team_group_id: str | None,
    base_url: str,
) -> Nomination:
    levels = route_nomination(session, award, actor.id, nominee.id)
    if not all(level.approver_ids for level in levels):
        raise NominationRefused(
            f"Nobody can approve a nomination for {nominee.display_name} yet. Ask an admin.",
            field="colleague",
        )
    now = utcnow()
    concerns = integrity_concerns(session, actor, nominee, now)
    status = Status.FLAGGED if concerns else Status.PENDING
    nomination = Nomination(
        nominator_id=actor.id,
        nominee_id=nominee.id,
        award_id=award.id,
        cycle_id=cycle.id,
        team_group_id=team_group_id,
        citation=request.citation.strip(),
        confidential_note=request.confidential_note.strip(),
        evidence_reference=request.evidence_reference.strip()[:120],
        customer_words=request.customer_words.strip(),
        status=status,
        current_level=1,
        created_at=now,
    )
    _insert_nomination(session, nomination, _duplicate_message(nominee, award))
    session.add_all(NominationTrait(nomination_id=nomination.id, trait=trait) for trait in traits)
    _add_steps(session, nomination.id, enumerate(levels, start=1))
    session.add_all(
        IntegrityFlag(nomination_id=nomination.id, kind=kind, reason=reason)
        for kind, reason in concerns
    )
    session.add(
        NominationEvent(
            nomination_id=nomination.id,
            actor_id=actor.id,
            action="submitted",
            from_status=None,
            to_status=status.value,
            level=1,
        )
    )
    session.flush()
    if status is Status.PENDING:
        _ask_approvers(session, levels[0].approver_ids, base_url)
    return nomination


def nominate(
    session: Session,
    actor: User,
    request: NominationRequest,
    *,
    monthly_limit: int,
    base_url: str,
) -> list[Nomination]:
    """Nominate one colleague, or several for a team nomination; one row per nominee."""
    cycle = current_cycle(session)
    if cycle is None:
        raise NominationRefused("Nominations are closed: there is no open review cycle today.")
    nominees = _resolve_nominees(session, actor, request)
    award = _active_award(session, request.award_id)
    traits = _parse_traits(request.traits)
    if not request.citation.strip():
        raise NominationRefused("Say what they did for the customer.", field="citation")
    _check_monthly_limit(session, actor, len(nominees), monthly_limit)
    _check_not_already_nominated(session, actor, nominees, award, cycle)
    team_group_id = str(uuid.uuid4()) if len(nominees) > 1 else None
    return [
        _create_nomination(
            session, actor, nominee, award, cycle, request, traits, team_group_id, base_url
        )
        for nominee in nominees
    ]


# --- deciding -----------------------------------------------------------------------------


def _nomination_or_404(session: Session, nomination_id: int) -> Nomination:
    nomination = session.get(Nomination, nomination_id)
    if nomination is None:
        raise NotFound("That nomination does not exist.")
    return nomination


def _last_level(session: Session, nomination_id: int) -> int:
    return (
        session.scalar(
            select(func.max(ApprovalStep.level)).where(ApprovalStep.nomination_id == nomination_id)
        )
        or 1
    )


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


def _grant_award(
    session: Session,
    nomination: Nomination,
    actor_id: int,
    action: str,
    note: str,
    base_url: str,
    **changes: object,
) -> None:
    move_nomination(session, nomination, actor_id, Status.APPROVED, action, note, **changes)
    award = session.get(Award, nomination.awarded_award_id or nomination.award_id)
    nominee = session.get(User, nomination.nominee_id)
    assert award is not None and nominee is not None
    session.add(
        PointsLedgerEntry(
            user_id=nominee.id, nomination_id=nomination.id, award_id=award.id, points=award.points
        )
    )
    session.flush()
    notify(
        session,
        {nominee.id, nomination.nominator_id, nominee.manager_id or nominee.id},
        f"{nominee.display_name} received the {award.name} award.",
        f"/recognition#nomination-{nomination.id}",
        base_url=base_url,
        actor_id=actor_id,
    )


def _tell_nominator(
    session: Session, nomination: Nomination, message: str, actor_id: int, base_url: str
) -> None:
    notify(
        session, [nomination.nominator_id], message, MINE_LINK, base_url=base_url, actor_id=actor_id
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
    return {level: actor_id for level, actor_id in rows if actor_id is not None}


def _check_one_level_each(session: Session, actor: User, nomination: Nomination) -> None:
    for level, decider in sorted(_deciders(session, nomination).items()):
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


def _later_levels(session: Session, nomination: Nomination) -> list[Level]:
    """The levels after the current one, as stored."""
    rows = session.execute(
        select(ApprovalStep.level, ApprovalStep.approver_id, ApprovalStep.route)
        .where(
            ApprovalStep.nomination_id == nomination.id,
            ApprovalStep.level > nomination.current_level,
        )
        .order_by(ApprovalStep.level, ApprovalStep.approver_id)
    )
    levels: dict[int, Level] = {}
    for level, approver_id, route in rows:
        levels.setdefault(level, Level([], route)).approver_ids.append(approver_id)
    return [levels[level] for level in sorted(levels)]


def _remaining_levels(
    session: Session, actor: User, nomination: Nomination, stored: list[Level], lower: Award | None
) -> list[Level]:
    """The levels still to come once the actor approves the current one.

    Nobody decides two levels, so the actor leaves the later ones; a level they were alone at
    goes up as routing would send it. Approving at a lower tier re-routes every later level
    along the lower award's own path instead. Refuses, before anything is written, when a
    level would have nobody left.
    """
    passed = nomination.current_level
    decided_by = {*_deciders(session, nomination).values(), actor.id}

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
        for offset, level in enumerate(stored):
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
    _add_steps(session, nomination_id, enumerate(levels, start=passed + 1))
    session.flush()


def _approve(
    session: Session,
    actor: User,
    nomination: Nomination,
    note: str,
    base_url: str,
    lower: Award | None = None,
) -> None:
    """Approve the current level, perhaps switching to a lower award, and move on.

    A lower award skips nothing: the rest of its own path follows, and the same hold applies.
    """
    passed = nomination.current_level
    stored = _later_levels(session, nomination)
    remaining = _remaining_levels(session, actor, nomination, stored, lower)
    changes: dict[str, object] = {} if lower is None else {"awarded_award_id": lower.id}
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
        _grant_award(session, nomination, actor.id, action, note, base_url, **changes)
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
    elif remaining:
        _ask_approvers(session, remaining[0].approver_ids, base_url)


def _lower_award(session: Session, nomination: Nomination, award_id: int | None) -> Award:
    current = _current_award(session, nomination)
    lower = session.get(Award, award_id) if award_id else None
    if lower is None or not lower.active or lower.tier.rank >= current.tier.rank:
        raise DomainError("Choose an active award of a lower tier.", field="lower_award")
    return lower


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise DomainError("Give a reason the nominator will see.", field="reason")
    return reason.strip()


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
) -> Nomination:
    """An approver of the current level approves, approves at a lower tier, returns or rejects."""
    nomination = _nomination_or_404(session, nomination_id)
    _check_one_level_each(session, actor, nomination)
    if actor.id not in _approvers_at(session, nomination.id, nomination.current_level):
        raise Forbidden("Only the approvers of this nomination can decide it.")
    _check_not_a_party(actor, nomination)
    if nomination.version != version or nomination.status is not Status.PENDING:
        raise AlreadyDecided()
    if decision is Decision.REJECT:
        note = _require_reason(reason)
        move_nomination(session, nomination, actor.id, Status.REJECTED, "rejected", note)
        _tell_nominator(
            session, nomination, f"Your nomination was not approved: {note}", actor.id, base_url
        )
    elif decision is Decision.RETURN:
        note = _require_reason(reason)
        move_nomination(session, nomination, actor.id, Status.RETURNED, "returned", note)
        _tell_nominator(
            session,
            nomination,
            f"Your nomination needs more information: {note}",
            actor.id,
            base_url,
        )
    elif decision is Decision.APPROVE_LOWER:
        lower = _lower_award(session, nomination, lower_award_id)
        _approve(session, actor, nomination, reason.strip(), base_url, lower)
    else:
        _approve(session, actor, nomination, reason.strip(), base_url)
    return nomination


def resubmit_nomination(
    session: Session, actor: User, nomination_id: int, citation: str, *, version: int, base_url: str
) -> Nomination:
    """The nominator answers a request for more information and sends it back to approvers."""
    nomination = _nomination_or_404(session, nomination_id)
    if nomination.nominator_id != actor.id:
        raise Forbidden("Only the nominator can resubmit this nomination.")
    if nomination.version != version or nomination.status is not Status.RETURNED:
        raise AlreadyDecided()
    if not citation.strip():
        raise DomainError("Say what they did for the customer.", field="citation")
    move_nomination(
        session, nomination, actor.id, Status.PENDING, "resubmitted", citation=citation.strip()
    )
    _ask_approvers(
        session,
        _approvers_at(session, nomination.id, nomination.current_level),
        base_url,
    )
    return nomination


def withdraw_nomination(
    session: Session, actor: User, nomination_id: int, *, version: int
) -> Nomination:
    """The nominator takes back a nomination that has not been decided yet."""
    nomination = _nomination_or_404(session, nomination_id)
    if nomination.nominator_id != actor.id:
        raise Forbidden("Only the nominator can withdraw this nomination.")
    if nomination.version != version or Status.WITHDRAWN not in TRANSITIONS[nomination.status]:
        raise AlreadyDecided()
    move_nomination(session, nomination, actor.id, Status.WITHDRAWN, "withdrawn")
    return nomination


# --- integrity flags ------------------------------------------------------------------------


def involved_in(session: Session, nomination_ids: list[int]) -> dict[int, set[int]]:
    """Who is part of each nomination: nominee, nominator, whoever approved a level, and the
    approvers of the level it waits at. None of them resolves its integrity flags."""
    if not nomination_ids:
        return {}
    parties = select(Nomination.id, Nomination.nominee_id).where(Nomination.id.in_(nomination_ids))
    rows = session.execute(
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
    nomination = _nomination_or_404(session, nomination_id)
    _check_free_to_resolve(session, admin, nomination)
    if nomination.status is not Status.FLAGGED:
        raise AlreadyDecided()
    note = _require_reason(reason) if resolution is FlagResolution.REJECTED else reason.strip()
    session.execute(
        update(IntegrityFlag)
        .where(IntegrityFlag.nomination_id == nomination.id, IntegrityFlag.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=admin.id, resolution=resolution)
        .execution_options(synchronize_session=False)
    )
    if resolution is FlagResolution.REJECTED:
        move_nomination(session, nomination, admin.id, Status.REJECTED, "flag_rejected", note)
        _tell_nominator(
            session, nomination, f"Your nomination was not approved: {note}", admin.id, base_url
        )
    elif nomination.current_level > _last_level(session, nomination.id):
        _grant_award(session, nomination, admin.id, "flag_cleared", note, base_url)
    else:
        move_nomination(session, nomination, admin.id, Status.PENDING, "flag_cleared", note)
        _ask_approvers(
            session,
            _approvers_at(session, nomination.id, nomination.current_level),
            base_url,
        )
    return nomination


def set_recognition_privacy(session: Session, actor: User, *, hidden: bool) -> None:
    """Keep one's awards off the wall and profile for colleagues (admins still see them)."""
    preference = session.get(RecognitionPreference, actor.id)
    if preference is None:
        preference = RecognitionPreference(user_id=actor.id)
        session.add(preference)
    preference.hidden_from_colleagues = hidden
    session.flush()


# --- the award catalogue ------------------------------------------------------------------


MAX_AWARD_POINTS = 100_000


@dataclass(frozen=True)
class AwardDetails:
    name: str
    description: str
    tier: AwardTier
    points: int
    approval_path: ApprovalPath
    committee_emails: list[str] = field(default_factory=list)


def _committee(session: Session, details: AwardDetails) -> list[User]:
    emails = _normalise_emails(details.committee_emails)
    members = list(session.scalars(select(User).where(User.email.in_(emails))))
    missing = sorted(set(emails) - {member.email for member in members})
    if missing:
        raise DomainError(f"Nobody in the portal has the email {missing[0]}.", field="committee")
    if details.approval_path is ApprovalPath.COMMITTEE and not members:
        raise DomainError("Name at least one committee member.", field="committee")
    return members


def _apply_award_details(session: Session, award: Award, details: AwardDetails) -> None:
    if not details.name.strip():
        raise DomainError("Enter the award's name.", field="name")
    if details.points < 0:
        raise DomainError("Points cannot be negative.", field="points")
    if details.points > MAX_AWARD_POINTS:
        raise DomainError(f"Points can be at most {MAX_AWARD_POINTS}.", field="points")
    award.name = details.name.strip()
    award.description = details.description.strip()
    award.tier = details.tier
    award.points = details.points
    award.approval_path = details.approval_path
    award.committee = _committee(session, details)
    try:
        with session.begin_nested():
            session.add(award)
            session.flush()
    except IntegrityError:
        raise DomainError("An award with that name already exists.", field="name") from None


def create_award(session: Session, admin: User, details: AwardDetails) -> Award:
    award = Award(active=True)
    _apply_award_details(session, award, details)
    record_audit(
        session, "award_created", actor_id=admin.id, target=f"award {award.id}", detail=award.name
    )
    return award


def update_award(session: Session, admin: User, award_id: int, details: AwardDetails) -> Award:
    award = get_award_for_edit(session, award_id)
    _apply_award_details(session, award, details)
    record_audit(
        session, "award_updated", actor_id=admin.id, target=f"award {award.id}", detail=award.name
    )
    return award


def set_award_active(session: Session, admin: User, award_id: int, *, active: bool) -> Award:
    award = session.get(Award, award_id)
    if award is None:
        raise NotFound("That award does not exist.")
    award.active = active
    session.flush()
    action = "award_reactivated" if active else "award_deactivated"
    record_audit(session, action, actor_id=admin.id, target=f"award {award.id}", detail=award.name)
    return award


def get_award_for_edit(session: Session, award_id: int) -> Award:
    award = session.scalars(
        select(Award).where(Award.id == award_id).options(selectinload(Award.committee))
    ).first()
    if award is None:
        raise NotFound("That award does not exist.")
    return award
