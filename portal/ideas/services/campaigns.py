"""Campaigns: a question admins put to everyone (or one department) for a while."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from portal.accounts.models import Department, User
from portal.core.audit import record_audit
from portal.core.errors import DomainError, Forbidden, NotFound
from portal.core.inputs import check_date
from portal.ideas.models import Campaign
from portal.ideas.services.shared import given


@dataclass(frozen=True)
class CampaignInput:
    question: str
    description: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    department_id: int | None = None


def _checked_period(data: CampaignInput) -> tuple[date, date]:
    """The campaign's first and last day, both given, sensible and in order."""
    starts_on = given(data.starts_on, "Give the first day of the campaign.", "starts_on")
    check_date(starts_on, "starts_on")
    ends_on = given(data.ends_on, "Give the last day of the campaign.", "ends_on")
    check_date(ends_on, "ends_on")
    if ends_on < starts_on:
        raise DomainError("The campaign cannot end before it starts.", field="ends_on")
    return starts_on, ends_on


def _apply_campaign(session: Session, campaign: Campaign, data: CampaignInput) -> None:
    if len(data.question.strip()) < 10:
        raise DomainError("Ask a question of at least 10 characters.", field="question")
    starts_on, ends_on = _checked_period(data)
    if data.department_id is not None and session.get(Department, data.department_id) is None:
        raise DomainError("Choose a department from the list.", field="department")
    campaign.question = data.question.strip()
    campaign.description = data.description.strip()
    campaign.starts_on = starts_on
    campaign.ends_on = ends_on
    campaign.department_id = data.department_id


def _check_admin(actor: User) -> None:
    if not actor.is_admin:
        raise Forbidden("Only admins run campaigns.")


def create_campaign(session: Session, actor: User, data: CampaignInput) -> Campaign:
    _check_admin(actor)
    campaign = Campaign(created_by_id=actor.id)
    _apply_campaign(session, campaign, data)
    session.add(campaign)
    session.flush()
    record_audit(session, "campaign_created", actor_id=actor.id, target=f"campaign:{campaign.id}")
    return campaign


def update_campaign(
    session: Session, actor: User, campaign_id: int, data: CampaignInput
) -> Campaign:
    _check_admin(actor)
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("That campaign does not exist.")
    _apply_campaign(session, campaign, data)
    session.flush()
    record_audit(session, "campaign_updated", actor_id=actor.id, target=f"campaign:{campaign.id}")
    return campaign
