"""Nominating colleagues: one nomination row per nominee, routed and checked for integrity."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.db import insert_or_refuse, utcnow
from portal.core.errors import DomainError
from portal.recognition.cycles import OpenCycle
from portal.recognition.models import (
    Award,
    IntegrityFlag,
    Nomination,
    NominationEvent,
    NominationStatus,
    NominationTrait,
    Trait,
)
from portal.recognition.rollups.counting import count_nomination
from portal.recognition.routing import route_nomination
from portal.recognition.rules import LIVE_STATUSES
from portal.recognition.services.integrity import integrity_concerns
from portal.recognition.services.state import add_steps, ask_approvers


class NominationRefused(DomainError):
    pass


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


def normalise_emails(emails: Iterable[str]) -> list[str]:
    """Each address once, trimmed and lower-cased, in the order given."""
    seen: dict[str, None] = {}
    for email in emails:
        cleaned = email.strip().lower()
        if cleaned:
            seen.setdefault(cleaned, None)
    return list(seen)


MAX_NAME_CHOICES = 6


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _one_of(people: list[User], typed: str) -> User:
    if len(people) == 1:
        return people[0]
    if not people:
        raise NominationRefused(
            f"Nobody active in the portal is called “{typed}”. Check the spelling, or enter "
            "their email.",
            field="colleague",
        )
    shown = people[: MAX_NAME_CHOICES - 1]
    choices = "; ".join(f"{person.display_name} ({person.email})" for person in shown)
    more = " and others" if len(people) > len(shown) else ""
    raise NominationRefused(
        f"Several people match “{typed}”: {choices}{more}. Enter the email of the one you mean.",
        field="colleague",
    )


def find_by_name(session: Session, typed: str) -> User:
    """The one active person with this name, or else whose name contains it; several or none
    is refused with the choices, so the nominator can pick by email. Two bounded statements."""
    text = " ".join(typed.split())
    if len(text) < 2:
        raise NominationRefused("Enter your colleague's name or email.", field="colleague")
    active = select(User).where(User.active.is_(True)).order_by(User.display_name, User.id)
    exact = list(
        session.scalars(
            active.where(func.lower(User.display_name) == text.lower()).limit(MAX_NAME_CHOICES)
        )
    )
    if exact:
        return _one_of(exact, text)
    pattern = f"%{_escape_like(text.lower())}%"
    containing = session.scalars(
        active.where(func.lower(User.display_name).like(pattern, escape="\\")).limit(
            MAX_NAME_CHOICES
        )
    )
    return _one_of(list(containing), text)


def _resolve_nominees(session: Session, actor: User, request: NominationRequest) -> list[User]:
    typed = request.colleague_email.strip()
    if typed and "@" not in typed:
        typed = find_by_name(session, typed).email
    primary = normalise_emails([typed])
    if not primary:
        raise NominationRefused("Enter your colleague's name or email.", field="colleague")
    team = [email for email in normalise_emails(request.team_emails) if email != primary[0]]
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
    session: Session, actor: User, nominees: list[User], award: Award, cycle_id: int
) -> None:
    taken = set(
        session.scalars(
            select(Nomination.nominee_id).where(
                Nomination.nominator_id == actor.id,
                Nomination.award_id == award.id,
                Nomination.cycle_id == cycle_id,
                Nomination.nominee_id.in_([nominee.id for nominee in nominees]),
                Nomination.status.in_(LIVE_STATUSES),
            )
        )
    )
    for index, nominee in enumerate(nominees):
        if nominee.id in taken:
            field_name = "colleague" if index == 0 else "team"
            raise NominationRefused(_duplicate_message(nominee, award), field=field_name)


def _insert_nomination(session: Session, nomination: Nomination, message: str) -> None:
    insert_or_refuse(session, nomination, NominationRefused(message, field="colleague"))


@dataclass(frozen=True)
class _Nominating:
    """What every nominee of one request shares."""

    actor: User
    award: Award
    cycle_id: int
    request: NominationRequest
    traits: list[Trait]
    team_group_id: str | None
    base_url: str


def _create_nomination(session: Session, shared: _Nominating, nominee: User) -> Nomination:
    actor, award, request = shared.actor, shared.award, shared.request
    levels = route_nomination(session, award, actor.id, nominee.id)
    if not all(level.approver_ids for level in levels):
        raise NominationRefused(
            f"Nobody can approve a nomination for {nominee.display_name} yet. Ask an admin.",
            field="colleague",
        )
    now = utcnow()
    concerns = integrity_concerns(session, actor, nominee, now)
    status = NominationStatus.FLAGGED if concerns else NominationStatus.PENDING
    nomination = Nomination(
        nominator_id=actor.id,
        nominee_id=nominee.id,
        award_id=award.id,
        cycle_id=shared.cycle_id,
        team_group_id=shared.team_group_id,
        citation=request.citation.strip(),
        confidential_note=request.confidential_note.strip(),
        evidence_reference=request.evidence_reference.strip()[:120],
        customer_words=request.customer_words.strip(),
        status=status,
        current_level=1,
        created_at=now,
    )
    _insert_nomination(session, nomination, _duplicate_message(nominee, award))
    count_nomination(session, nomination)
    session.add_all(
        NominationTrait(nomination_id=nomination.id, trait=trait) for trait in shared.traits
    )
    add_steps(session, nomination.id, enumerate(levels, start=1))
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
    if status is NominationStatus.PENDING:
        ask_approvers(session, nomination, levels[0].approver_ids, 1, shared.base_url)
    return nomination


def nominate(
    session: Session,
    actor: User,
    request: NominationRequest,
    cycle: OpenCycle | None,
    *,
    monthly_limit: int,
    base_url: str,
) -> list[Nomination]:
    """Nominate one colleague, or several for a team nomination, in the open review cycle
    (None when no cycle is open today); one row per nominee."""
    if cycle is None:
        raise NominationRefused("Nominations are closed: there is no open review cycle today.")
    nominees = _resolve_nominees(session, actor, request)
    award = _active_award(session, request.award_id)
    traits = _parse_traits(request.traits)
    if not request.citation.strip():
        raise NominationRefused("Say what they did for the customer.", field="citation")
    _check_monthly_limit(session, actor, len(nominees), monthly_limit)
    _check_not_already_nominated(session, actor, nominees, award, cycle.id)
    shared = _Nominating(
        actor=actor,
        award=award,
        cycle_id=cycle.id,
        request=request,
        traits=traits,
        team_group_id=str(uuid.uuid4()) if len(nominees) > 1 else None,
        base_url=base_url,
    )
    return [_create_nomination(session, shared, nominee) for nominee in nominees]
