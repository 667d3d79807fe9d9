"""Campaign pages: every campaign with its number of ideas, and one campaign's numbers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Subquery, and_, func, select, union
from sqlalchemy.orm import Session

from portal.accounts.models import Department
from portal.ideas.models import Campaign, Idea, IdeaStatus, Vote


@dataclass(frozen=True)
class CampaignRow:
    campaign: Campaign
    department: str | None
    idea_count: int


def _idea_counts() -> Subquery:
    return (
        select(Idea.campaign_id, func.count().label("ideas"))
        .where(Idea.campaign_id.is_not(None), Idea.status != IdeaStatus.DRAFT)
        .group_by(Idea.campaign_id)
        .subquery()
    )


def list_campaigns(session: Session) -> list[CampaignRow]:
    """Every campaign, newest first, with its number of ideas, in one statement."""
    counts = _idea_counts()
    rows = session.execute(
        select(
            Campaign,
            Department.name.label("department"),
            func.coalesce(counts.c.ideas, 0).label("idea_count"),
        )
        .outerjoin(Department, Campaign.department_id == Department.id)
        .outerjoin(counts, counts.c.campaign_id == Campaign.id)
        .order_by(Campaign.starts_on.desc(), Campaign.id.desc())
    )
    return [
        CampaignRow(campaign=row.Campaign, department=row.department, idea_count=row.idea_count)
        for row in rows
    ]


@dataclass(frozen=True)
class CampaignNumbers:
    ideas: int
    votes: int
    participants: int
    implemented: int


@dataclass(frozen=True)
class CampaignPage:
    campaign: Campaign
    department: str | None
    numbers: CampaignNumbers


def get_campaign(session: Session, campaign_id: int) -> CampaignPage | None:
    """A campaign and its own numbers, in two statements."""
    row = session.execute(
        select(Campaign, Department.name.label("department"))
        .outerjoin(Department, Campaign.department_id == Department.id)
        .where(Campaign.id == campaign_id)
    ).first()
    if row is None:
        return None
    in_campaign = and_(Idea.campaign_id == campaign_id, Idea.status != IdeaStatus.DRAFT)
    people = union(
        select(Idea.author_id.label("person")).where(in_campaign),
        select(Vote.voter_id).join(Idea, Vote.idea_id == Idea.id).where(in_campaign),
    ).subquery()
    numbers = session.execute(
        select(
            select(func.count())
            .select_from(Idea)
            .where(in_campaign)
            .scalar_subquery()
            .label("ideas"),
            select(func.coalesce(func.sum(Idea.vote_count), 0))
            .where(in_campaign)
            .scalar_subquery()
            .label("votes"),
            select(func.count()).select_from(people).scalar_subquery().label("participants"),
            select(func.count())
            .select_from(Idea)
            .where(in_campaign, Idea.status == IdeaStatus.IMPLEMENTED)
            .scalar_subquery()
            .label("implemented"),
        )
    ).one()
    return CampaignPage(
        campaign=row.Campaign,
        department=row.department,
        numbers=CampaignNumbers(**numbers._mapping),
    )
