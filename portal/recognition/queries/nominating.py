"""The nomination form: the awards as cards, the nominator's team as chips, and the colleagues
a link asked to prefill (`?colleague=<email>&colleague=...&evidence=...`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.recognition.models import ApprovalPath, Award, AwardTier

APPROVERS = {
    ApprovalPath.MANAGER: "Approved by their manager",
    ApprovalPath.MANAGER_THEN_SKIP: "Approved by their manager, then the manager above",
    ApprovalPath.COMMITTEE: "Approved by their manager, then the awards committee",
}
# Bounds on what a link may ask to prefill: it comes from the address bar.
MAX_PREFILLED = 20
MAX_EMAIL_LENGTH = 254
MAX_EVIDENCE_LENGTH = 5000
TEAM_CHIPS = 12


@dataclass(frozen=True)
class AwardOption:
    id: int
    name: str
    description: str
    tier: AwardTier
    points: int
    approvers: str


@dataclass(frozen=True)
class Person:
    id: int
    display_name: str
    email: str


@dataclass(frozen=True)
class NominationChoices:
    awards: list[AwardOption]  # spot first, then quarterly, then annual
    team: list[Person]  # the nominator's teammates and direct reports, for quick picking
    prefilled: list[Person]  # the colleagues a link named, as found


def _award_options(session: Session) -> list[AwardOption]:
    awards = session.scalars(select(Award).where(Award.active.is_(True)))
    options = [
        AwardOption(
            award.id,
            award.name,
            award.description,
            award.tier,
            award.points,
            APPROVERS[award.approval_path],
        )
        for award in awards
    ]
    return sorted(options, key=lambda option: (option.tier.rank, option.name))


def _team_of(session: Session, actor: User) -> list[Person]:
    same_manager = User.manager_id == actor.manager_id if actor.manager_id else None
    mine = User.manager_id == actor.id
    rows = session.execute(
        select(User.id, User.display_name, User.email)
        .where(
            User.active.is_(True),
            User.id != actor.id,
            or_(mine, same_manager) if same_manager is not None else mine,
        )
        .order_by(User.display_name, User.id)
        .limit(TEAM_CHIPS)
    )
    return [Person(**row._mapping) for row in rows]


def clean_emails(values: Sequence[str]) -> list[str]:
    """The addresses a link asked for, each once, lower-cased and bounded; nothing else."""
    emails: dict[str, None] = {}
    for value in values[:MAX_PREFILLED]:
        email = value.strip().lower()
        if 0 < len(email) <= MAX_EMAIL_LENGTH and "@" in email:
            emails.setdefault(email, None)
    return list(emails)


def _prefilled(session: Session, actor: User, emails: list[str]) -> list[Person]:
    if not emails:
        return []
    rows = session.execute(
        select(User.id, User.display_name, User.email).where(
            User.email.in_(emails), User.active.is_(True), User.id != actor.id
        )
    )
    found = {row.email: Person(**row._mapping) for row in rows}
    return [found[email] for email in emails if email in found]


def get_nomination_choices(
    session: Session, actor: User, colleague_emails: Sequence[str] = ()
) -> NominationChoices:
    """What the form offers: three statements at most."""
    return NominationChoices(
        awards=_award_options(session),
        team=_team_of(session, actor),
        prefilled=_prefilled(session, actor, clean_emails(colleague_emails)),
    )


def clean_evidence(text: str | None) -> str:
    return (text or "").strip()[:MAX_EVIDENCE_LENGTH]
