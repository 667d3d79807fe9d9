"""The approvals page: nominations waiting for the signed-in approver."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from portal.accounts.models import User
from portal.core.pagination import Page, page_from_rows
from portal.recognition.models import (
    ApprovalStep,
    Award,
    AwardTier,
    Nomination,
    NominationEvent,
    NominationStatus,
    StepRoute,
)
from portal.recognition.queries.cards import NominationCard, card_query, cards_after
from portal.recognition.queries.catalogue import list_awards
from portal.recognition.rules import LEVEL_APPROVALS


@dataclass(frozen=True)
class PendingApproval:
    """A nomination waiting for the approver, with where it stands on its path."""

    card: NominationCard
    step: int
    steps: int
    route: StepRoute
    # The award first nominated for, once an earlier step approved it at a lower tier.
    nominated_award: str | None
    # (step, approver's name) of each step already approved.
    approved_by: list[tuple[int, str]]


ApprovedSteps = dict[int, list[tuple[int, str]]]


def _approved_steps(session: Session, nomination_ids: list[int]) -> ApprovedSteps:
    approved: ApprovedSteps = defaultdict(list)
    if not nomination_ids:
        return approved
    rows = session.execute(
        select(NominationEvent.nomination_id, NominationEvent.level, User.display_name)
        .join(User, NominationEvent.actor_id == User.id)
        .where(
            NominationEvent.nomination_id.in_(nomination_ids),
            NominationEvent.action.in_(LEVEL_APPROVALS),
        )
        .order_by(NominationEvent.nomination_id, NominationEvent.level)
    )
    for row in rows:
        approved[row.nomination_id].append((row.level, row.display_name))
    return approved


# Made once: a fresh alias adapts every column again on each request.
_NOMINATED = aliased(Award, name="nominated")


def list_pending_approvals(
    session: Session, approver_id: int, *, cursor: str | None = None, limit: int = 25
) -> Page[PendingApproval]:
    """Nominations waiting for this person at their current level, oldest first, with who
    approved the steps before: three statements."""
    nominated = _NOMINATED
    steps = (
        select(func.max(ApprovalStep.level))
        .where(ApprovalStep.nomination_id == Nomination.id)
        .correlate(Nomination)
        .scalar_subquery()
    )
    query = (
        card_query()
        .add_columns(steps.label("steps"), ApprovalStep.route, nominated.name.label("nominated"))
        .join(
            ApprovalStep,
            (ApprovalStep.nomination_id == Nomination.id)
            & (ApprovalStep.level == Nomination.current_level),
        )
        .join(nominated, Nomination.award_id == nominated.id)
        .where(
            # "+ 0" keeps the approver's index out of the plan: their steps pile up with
            # history, so the query walks the pending nominations in order (few, and a page's
            # worth at most) and looks up each one's step by key.
            ApprovalStep.approver_id + 0 == approver_id,
            Nomination.status == NominationStatus.PENDING,
        )
        .order_by(Nomination.id)
        .limit(limit + 1)
    )
    rows, cards = cards_after(session, query, cursor, Nomination.id)
    approved = _approved_steps(session, [card.id for card in cards])
    items = [
        PendingApproval(
            card,
            step=row.Nomination.current_level,
            steps=row.steps,
            route=row.route,
            nominated_award=row.nominated if row.Nomination.awarded_award_id is not None else None,
            approved_by=approved.get(card.id, []),
        )
        for card, row in zip(cards, rows, strict=True)
    ]
    return page_from_rows(items, limit, lambda item: (item.card.id,))


@dataclass(frozen=True)
class ApprovalsPage:
    page: Page[PendingApproval]
    lower_awards: list[Award]

    def lower_than(self, tier: AwardTier) -> list[Award]:
        """The awards an approver may choose instead of one at this tier, worked out once per
        tier rather than filtered again in the template for every card."""
        return self._lower_by_tier.get(tier, [])

    @cached_property
    def _lower_by_tier(self) -> dict[AwardTier, list[Award]]:
        return {
            tier: [award for award in self.lower_awards if award.tier.rank < tier.rank]
            for tier in AwardTier
        }


def get_approvals_page(
    session: Session, approver_id: int, *, cursor: str | None = None, limit: int = 25
) -> ApprovalsPage:
    """The approvals queue and the awards an approver may choose instead: four statements."""
    return ApprovalsPage(
        list_pending_approvals(session, approver_id, cursor=cursor, limit=limit),
        list_awards(session, active_only=True),
    )
