"""The award catalogue: admins add, edit, retire and bring back awards."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.accounts.models import User
from portal.core.audit import record_audit
from portal.core.db import insert_or_refuse
from portal.core.errors import DomainError, NotFound
from portal.recognition.models import ApprovalPath, Award, AwardTier
from portal.recognition.rules import MAX_AWARD_POINTS
from portal.recognition.services.nominating import normalise_emails


@dataclass(frozen=True)
class AwardDetails:
    name: str
    description: str
    tier: AwardTier
    points: int
    approval_path: ApprovalPath
    committee_emails: list[str] = field(default_factory=list)


def _committee(session: Session, details: AwardDetails) -> list[User]:
    emails = normalise_emails(details.committee_emails)
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
    insert_or_refuse(
        session, award, DomainError("An award with that name already exists.", field="name")
    )


def _audit(session: Session, admin: User, action: str, award: Award) -> None:
    record_audit(session, action, actor_id=admin.id, target=f"award {award.id}", detail=award.name)


def create_award(session: Session, admin: User, details: AwardDetails) -> Award:
    award = Award(active=True)
    _apply_award_details(session, award, details)
    _audit(session, admin, "award_created", award)
    return award


def update_award(session: Session, admin: User, award_id: int, details: AwardDetails) -> Award:
    award = get_award_for_edit(session, award_id)
    _apply_award_details(session, award, details)
    _audit(session, admin, "award_updated", award)
    return award


def set_award_active(session: Session, admin: User, award_id: int, *, active: bool) -> Award:
    award = session.get(Award, award_id)
    if award is None:
        raise NotFound("That award does not exist.")
    award.active = active
    session.flush()
    _audit(session, admin, "award_reactivated" if active else "award_deactivated", award)
    return award


def get_award_for_edit(session: Session, award_id: int) -> Award:
    award = session.scalars(
        select(Award).where(Award.id == award_id).options(selectinload(Award.committee))
    ).first()
    if award is None:
        raise NotFound("That award does not exist.")
    return award
