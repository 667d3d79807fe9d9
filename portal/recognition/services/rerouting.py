"""Re-routing open nominations when someone's manager changes (admin form, org-chart import,
SCIM): the steps still to decide go where routing would send them now.

A nomination's steps come from the nominee's reporting line, so when a nominee (or anyone
above them) gets a new manager, the steps that went to the old manager, or to the admins for
want of a manager, are planned again by `routing.route_nomination` with every rule of the
house: nobody decides a nomination they are part of or two levels of one, and a level with
nobody free goes up. Levels already decided stay as they are. Each re-routed nomination gets
an audit entry, and the new approvers of the current step are told.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app, has_app_context
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.events import ManagerChange, on_departure, on_manager_change
from portal.accounts.models import User
from portal.core.audit import record_audit
from portal.core.db import rows_changed
from portal.recognition.models import (
    ApprovalStep,
    Award,
    Nomination,
    NominationEvent,
    NominationStatus,
    StepRoute,
)
from portal.recognition.routing import route_nomination
from portal.recognition.rules import LEVEL_APPROVALS, Level
from portal.recognition.services.state import add_steps, ask_approvers, stored_levels

OPEN_STATUSES = (NominationStatus.PENDING, NominationStatus.FLAGGED, NominationStatus.RETURNED)
CHAIN_ROUTES = (StepRoute.REPORTING_LINE, StepRoute.MANAGER_ABOVE)
BATCH_SIZE = 500


def _people_below(person_ids: set[int]):
    """The people and everyone under them, as a recursive subquery."""
    tree = select(User.id).where(User.id.in_(person_ids)).cte(recursive=True)
    lower = aliased(User)
    tree = tree.union(select(lower.id).join(tree, lower.manager_id == tree.c.id))
    return select(tree.c.id)


def _affected(session: Session, changes: Sequence[ManagerChange]) -> list[Nomination]:
    """Open nominations of the people moved (or anyone under them) with a step still to decide
    that went to an old manager, or to the admins for want of a manager."""
    moved = {change.person_id for change in changes}
    old_managers = {change.old_manager_id for change in changes} - {None}
    step = aliased(ApprovalStep)
    routed_away = or_(
        and_(step.approver_id.in_(old_managers), step.route.in_(CHAIN_ROUTES)),
        step.route == StepRoute.ADMINS,
    )
    return list(
        session.scalars(
            select(Nomination)
            .where(
                Nomination.nominee_id.in_(_people_below(moved)),
                Nomination.status.in_(OPEN_STATUSES),
                select(step.id)
                .where(
                    step.nomination_id == Nomination.id,
                    step.level >= Nomination.current_level,
                    routed_away,
                )
                .exists(),
            )
            .order_by(Nomination.id)
        )
    )


def _waiting_on(session: Session, person_id: int) -> list[Nomination]:
    """Open nominations with a step still to decide that waits on this person."""
    step = aliased(ApprovalStep)
    return list(
        session.scalars(
            select(Nomination)
            .where(
                Nomination.status.in_(OPEN_STATUSES),
                select(step.id)
                .where(
                    step.nomination_id == Nomination.id,
                    step.level >= Nomination.current_level,
                    step.approver_id == person_id,
                )
                .exists(),
            )
            .order_by(Nomination.id)
        )
    )


def _decided_by(session: Session, nomination: Nomination) -> set[int]:
    """Who approved the levels already passed: they decide no other level of it."""
    return set(
        session.scalars(
            select(NominationEvent.actor_id).where(
                NominationEvent.nomination_id == nomination.id,
                NominationEvent.action.in_(LEVEL_APPROVALS),
                NominationEvent.level < nomination.current_level,
                NominationEvent.actor_id.is_not(None),
            )
        )
    )


def _same(stored: list[Level], planned: list[Level]) -> bool:
    return [(sorted(level.approver_ids), level.route) for level in stored] == [
        (sorted(level.approver_ids), level.route) for level in planned
    ]


def _names(session: Session, ids: Sequence[int]) -> str:
    names = session.scalars(select(User.display_name).where(User.id.in_(ids)).order_by(User.id))
    return ", ".join(names) or "nobody"


def _reroute(
    session: Session, nomination: Nomination, actor_id: int | None, by: str, base_url: str
) -> bool:
    award = session.get(Award, nomination.awarded_award_id or nomination.award_id)
    assert award is not None
    stored = list(stored_levels(session, nomination).values())
    planned = route_nomination(
        session,
        award,
        nomination.nominator_id,
        nomination.nominee_id,
        passed=nomination.current_level - 1,
        decided_by=_decided_by(session, nomination),
    )
    # A level nobody is free to decide keeps its old approvers rather than being emptied.
    if _same(stored, planned) or not all(level.approver_ids for level in planned):
        return False
    # Under the nomination's version: if an approver decides it at this moment, one of the two
    # wins and the other changes nothing (this move is skipped, or the decision is refused).
    moved = rows_changed(
        session,
        update(Nomination)
        .where(Nomination.id == nomination.id, Nomination.version == nomination.version)
        .values(version=nomination.version + 1)
        .execution_options(synchronize_session=False),
    )
    if not moved:
        return False
    session.execute(
        delete(ApprovalStep).where(
            ApprovalStep.nomination_id == nomination.id,
            ApprovalStep.level >= nomination.current_level,
        )
    )
    add_steps(session, nomination.id, enumerate(planned, start=nomination.current_level))
    before = stored[0].approver_ids if stored else []
    now = planned[0].approver_ids
    record_audit(
        session,
        "nomination_rerouted",
        actor_id=actor_id,
        target=f"nomination {nomination.id}",
        detail=f"step {nomination.current_level}: {_names(session, before)} → "
        f"{_names(session, now)} {by}",
    )
    session.flush()
    set_committed_value(nomination, "version", nomination.version + 1)
    if nomination.status is NominationStatus.PENDING:
        newcomers = [person for person in now if person not in before]
        ask_approvers(session, nomination, newcomers, nomination.current_level, base_url)
    return True


def reroute_after_manager_changes(
    session: Session,
    changes: Sequence[ManagerChange],
    *,
    actor_id: int | None,
    by: str,
    base_url: str,
) -> list[int]:
    """Re-route the open nominations these changes affect; returns their ids."""
    rerouted = []
    # In batches, so an import that moves tens of thousands stays under parameter limits.
    for start in range(0, len(changes), BATCH_SIZE):
        for nomination in _affected(session, changes[start : start + BATCH_SIZE]):
            if _reroute(session, nomination, actor_id, by, base_url):
                rerouted.append(nomination.id)
    return rerouted


def reroute_after_departure(
    session: Session, person_id: int, *, actor_id: int | None, by: str, base_url: str
) -> list[int]:
    """A deactivated approver decides nothing more: what waits on them goes where routing
    sends it now (the next active manager up, the rest of the committee, the other admins)."""
    return [
        nomination.id
        for nomination in _waiting_on(session, person_id)
        if _reroute(session, nomination, actor_id, by, base_url)
    ]


def _on_departure(session: Session, *, person_id: int, actor_id: int | None, by: str) -> None:
    """The receiver `create_app` connects to accounts' `person_left`."""
    base_url = current_app.config["BASE_URL"] if has_app_context() else ""
    reason = f"after a deactivation by {by}"
    reroute_after_departure(session, person_id, actor_id=actor_id, by=reason, base_url=base_url)


def _on_manager_change(
    session: Session, *, changes: Sequence[ManagerChange], actor_id: int | None, by: str
) -> None:
    """The receiver `create_app` connects to accounts' `manager_changed`."""
    base_url = current_app.config["BASE_URL"] if has_app_context() else ""
    reason = f"after a manager change by {by}"
    reroute_after_manager_changes(session, changes, actor_id=actor_id, by=reason, base_url=base_url)


def reroute_when_managers_change() -> None:
    """Wired once by `create_app`: manager changes and departures re-route."""
    on_manager_change(_on_manager_change)
    on_departure(_on_departure)
