"""Who a nomination waits for: the people of its current step, or the committee or admins."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.recognition.models import ApprovalStep, Nomination, NominationStatus, StepRoute

AWARDS_COMMITTEE = "the awards committee"
ADMINS = "the admins"
INTEGRITY_CHECK = "an admin's integrity check"


def describe_approvers(route: StepRoute, names: list[str]) -> str:
    """How a step's approvers read in a sentence: "Dana Director", "the awards committee"."""
    if route is StepRoute.COMMITTEE:
        return AWARDS_COMMITTEE
    if route is StepRoute.ADMINS and len(names) > 1:
        return ADMINS
    if len(names) > 2:
        return f"{', '.join(names[:-1])} or {names[-1]}"
    return " or ".join(names) or ADMINS


def waiting_for(session: Session, nomination_ids: list[int]) -> dict[int, str]:
    """For each pending nomination, who decides its current step: one statement. (A held one
    waits for an admin's integrity check; a returned one for its nominator.)"""
    if not nomination_ids:
        return {}
    rows = session.execute(
        select(
            Nomination.id.label("nomination_id"),
            ApprovalStep.route,
            User.display_name,
        )
        .join(
            ApprovalStep,
            (ApprovalStep.nomination_id == Nomination.id)
            & (ApprovalStep.level == Nomination.current_level),
        )
        .join(User, User.id == ApprovalStep.approver_id)
        .where(
            Nomination.id.in_(nomination_ids),
            Nomination.status == NominationStatus.PENDING,
        )
        .order_by(Nomination.id, User.display_name)
    )
    routes: dict[int, StepRoute] = {}
    names: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        routes[row.nomination_id] = row.route
        names[row.nomination_id].append(row.display_name)
    return {
        nomination_id: describe_approvers(route, names[nomination_id])
        for nomination_id, route in routes.items()
    }
