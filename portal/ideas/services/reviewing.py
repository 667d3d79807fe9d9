"""Reviewing an idea: the one function that moves its status, with what each move needs (a
reason to decline, an owner to approve, the measured impact to implement, the original that a
duplicate's votes move to)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.audit import record_audit
from portal.core.db import rows_changed, utcnow
from portal.core.errors import DomainError
from portal.core.inputs import check_amount, check_date
from portal.ideas.models import Idea, IdeaCoAuthor, IdeaEvent, IdeaStatus, Impact, Vote
from portal.ideas.rollups.counting import keys_of, move_idea, recount_activity
from portal.ideas.rules import DECISIONS, TRANSITIONS, check_reviewer, route_review
from portal.ideas.services.shared import (
    find_idea,
    given,
    insert_ignoring_duplicates,
)
from portal.ideas.services.telling import status_texts, tell_idea_people
from portal.ideas.services.voting import follow_all, follower_ids, move_vote_count


@dataclass(frozen=True)
class ImpactInput:
    what_was_done: str
    measure: str
    unit: str
    before: Decimal | None
    after: Decimal | None
    measured_on: date | None


@dataclass(frozen=True)
class TransitionInput:
    to_status: IdeaStatus
    note: str = ""
    duplicate_of_id: int | None = None
    owner_email: str = ""
    impact: ImpactInput | None = None


def _check_transition(idea: Idea, change: TransitionInput) -> None:
    if change.to_status not in TRANSITIONS[idea.status]:
        raise DomainError(
            f"An idea that is {idea.status.label.lower()} cannot become "
            f"{change.to_status.label.lower()}.",
            field="status",
        )
    if change.to_status is IdeaStatus.DECLINED and not change.note.strip():
        raise DomainError("Tell the author why the idea is declined.", field="note")


def _merge_into_original(session: Session, idea: Idea, original_id: int | None) -> None:
    if original_id is None:
        raise DomainError("Give the number of the original idea.", field="duplicate_of")
    if original_id == idea.id:
        raise DomainError("An idea cannot duplicate itself.", field="duplicate_of")
    original = session.scalars(
        select(Idea).where(Idea.id == original_id).with_for_update()
    ).one_or_none()
    if original is None or original.status in {IdeaStatus.DRAFT, IdeaStatus.DUPLICATE}:
        raise DomainError("That original idea does not exist.", field="duplicate_of")
    # Both authors are credited on the original, and nobody votes for an idea of their own.
    credited = {
        original.author_id,
        idea.author_id,
        *session.scalars(select(IdeaCoAuthor.user_id).where(IdeaCoAuthor.idea_id == original.id)),
    }
    voters = session.scalars(select(Vote.voter_id).where(Vote.idea_id == idea.id)).all()
    moved = [
        {"idea_id": original.id, "voter_id": voter_id, "created_at": utcnow()}
        for voter_id in voters
        if voter_id not in credited
    ]
    added = insert_ignoring_duplicates(session, Vote, moved)
    session.execute(delete(Vote).where(Vote.idea_id == idea.id))
    move_vote_count(session, idea.id, -len(voters))
    own_vote = rows_changed(
        session, delete(Vote).where(Vote.idea_id == original.id, Vote.voter_id == idea.author_id)
    )
    if added - own_vote:
        move_vote_count(session, original.id, added - own_vote)
    follow_all(session, original.id, follower_ids(session, idea.id))
    if idea.author_id != original.author_id:
        insert_ignoring_duplicates(
            session, IdeaCoAuthor, [{"idea_id": original.id, "user_id": idea.author_id}]
        )
        route_review(session, original)
        session.flush()
    idea.duplicate_of_id = original.id
    recount_activity(session, [*voters, idea.author_id])
    session.expire(original)
    session.expire(idea, ["vote_count", "hot_score"])


def _assign_owner(session: Session, idea: Idea, email: str) -> None:
    if not email.strip():
        raise DomainError("Name the owner who will carry the idea out.", field="owner")
    owner = session.scalars(
        select(User).where(User.email == email.strip().lower(), User.active.is_(True))
    ).one_or_none()
    if owner is None:
        raise DomainError("No colleague has that email.", field="owner")
    idea.owner_id = owner.id


def _record_impact(session: Session, actor: User, idea: Idea, impact: ImpactInput | None) -> None:
    if impact is None or not impact.what_was_done.strip():
        raise DomainError("Describe what was done.", field="what_was_done")
    if not impact.measure.strip():
        raise DomainError("Name what was measured.", field="measure")
    if not impact.unit.strip():
        raise DomainError("Give the unit of the measure.", field="unit")
    before = given(impact.before, "Give the value before.", "before")
    check_amount(before, "before")
    after = given(impact.after, "Give the value after.", "after")
    check_amount(after, "after")
    measured_on = given(impact.measured_on, "Give the date of the measurement.", "measured_on")
    check_date(measured_on, "measured_on")
    session.add(
        Impact(
            idea_id=idea.id,
            what_was_done=impact.what_was_done.strip(),
            measure=impact.measure.strip(),
            unit=impact.unit.strip(),
            before=before,
            after=after,
            measured_on=measured_on,
            recorded_by_id=actor.id,
        )
    )


def transition_idea(
    session: Session, actor: User, idea_id: int, change: TransitionInput, *, base_url: str
) -> IdeaEvent:
    """The one way an idea changes status: checks the table, records an event, tells people."""
    idea = find_idea(session, idea_id, for_update=True)
    check_reviewer(session, actor, idea, "change its status")
    _check_transition(idea, change)
    counted = keys_of(idea)
    if change.to_status is IdeaStatus.DUPLICATE:
        _merge_into_original(session, idea, change.duplicate_of_id)
    elif change.to_status is IdeaStatus.APPROVED:
        _assign_owner(session, idea, change.owner_email)
    elif change.to_status is IdeaStatus.IMPLEMENTED:
        _record_impact(session, actor, idea, change.impact)
    now = utcnow()
    event = IdeaEvent(
        idea_id=idea.id,
        actor_id=actor.id,
        from_status=idea.status,
        to_status=change.to_status,
        note=change.note.strip(),
        created_at=now,
    )
    session.add(event)
    idea.status = change.to_status
    idea.first_response_at = idea.first_response_at or now
    if change.to_status in DECISIONS and idea.decided_at is None:
        idea.decided_at = now
    idea.last_activity_at = now
    session.flush()
    move_idea(session, counted, idea)
    record_audit(
        session,
        "idea_status_changed",
        actor_id=actor.id,
        target=f"idea:{idea.id}",
        detail=f"{event.from_status} -> {event.to_status}",
    )
    tell_idea_people(
        session,
        idea,
        actor.id,
        status_texts(idea, change.to_status, actor.display_name),
        f"/ideas/{idea.id}",
        base_url=base_url,
    )
    return event
