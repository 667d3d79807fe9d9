"""What people do with ideas: submit, edit, vote, comment, follow, review and implement."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.accounts.models import Department, Role, User
from portal.accounts.queries import managers_above
from portal.core.audit import record_audit
from portal.core.db import utcnow
from portal.core.errors import Conflict, DomainError, Forbidden, NotFound
from portal.core.inputs import check_amount, check_date
from portal.core.markdown import render_markdown
from portal.ideas.models import (
    Campaign,
    Category,
    Comment,
    CustomerChannel,
    Follow,
    Idea,
    IdeaCoAuthor,
    IdeaEvent,
    IdeaStatus,
    Impact,
    Vote,
    hot_score,
)
from portal.notifications.services import notify

# The one table of allowed moves. Drafts leave only through submit_idea (the author's act).
TRANSITIONS: dict[IdeaStatus, frozenset[IdeaStatus]] = {
    IdeaStatus.DRAFT: frozenset({IdeaStatus.SUBMITTED}),
    IdeaStatus.SUBMITTED: frozenset(
        {IdeaStatus.UNDER_REVIEW, IdeaStatus.DECLINED, IdeaStatus.DUPLICATE}
    ),
    IdeaStatus.UNDER_REVIEW: frozenset(
        {IdeaStatus.APPROVED, IdeaStatus.DECLINED, IdeaStatus.DUPLICATE}
    ),
    IdeaStatus.APPROVED: frozenset({IdeaStatus.IN_PROGRESS, IdeaStatus.DECLINED}),
    IdeaStatus.IN_PROGRESS: frozenset({IdeaStatus.IMPLEMENTED, IdeaStatus.DECLINED}),
    IdeaStatus.IMPLEMENTED: frozenset(),
    IdeaStatus.DECLINED: frozenset({IdeaStatus.UNDER_REVIEW}),
    IdeaStatus.DUPLICATE: frozenset(),
}
REVIEW_STATUSES = [status for status in IdeaStatus if status is not IdeaStatus.DRAFT]
EDITABLE_STATUSES = frozenset({IdeaStatus.DRAFT, IdeaStatus.SUBMITTED})
DECISIONS = frozenset({IdeaStatus.APPROVED, IdeaStatus.DECLINED, IdeaStatus.DUPLICATE})
MAX_CO_AUTHORS = 5


@dataclass(frozen=True)
class IdeaInput:
    title: str
    problem: str = ""
    solution: str = ""
    impact: str = ""
    channel: CustomerChannel | None = None
    category_id: int | None = None
    co_author_emails: tuple[str, ...] = ()
    campaign_id: int | None = None


@dataclass(frozen=True)
class CampaignInput:
    question: str
    description: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    department_id: int | None = None


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


# ---------------------------------------------------------------- submitting and editing


def _check_complete(data: IdeaInput) -> None:
    required = [
        ("problem", data.problem, "Describe the customer problem."),
        ("solution", data.solution, "Describe the solution you propose."),
        ("impact", data.impact, "Say what it would change for customers."),
    ]
    for field, value, message in required:
        if not value.strip():
            raise DomainError(message, field=field)
    if data.channel is None:
        raise DomainError("Choose the customer channel.", field="channel")
    if data.category_id is None:
        raise DomainError("Choose a category.", field="category")


def _check_title(data: IdeaInput) -> None:
    if len(data.title.strip()) < 5:
        raise DomainError("Give the idea a title of at least 5 characters.", field="title")


def _check_category(session: Session, category_id: int | None) -> None:
    if category_id is None:
        return
    category = session.get(Category, category_id)
    if category is None or not category.active:
        raise DomainError("Choose a category from the list.", field="category")


def _check_campaign(session: Session, author: User, idea: Idea, campaign_id: int | None) -> None:
    if campaign_id is None or campaign_id == idea.campaign_id:
        return
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or not campaign.is_open_on(utcnow().date()):
        raise DomainError("That campaign is not open for ideas.", field="campaign")
    if campaign.department_id not in (None, author.department_id):
        raise DomainError("That campaign is for another department.", field="campaign")


def _co_authors(session: Session, author: User, emails: Iterable[str]) -> list[User]:
    wanted = {email.strip().lower() for email in emails if email.strip()}
    if not wanted:
        return []
    if len(wanted) > MAX_CO_AUTHORS:
        raise DomainError(f"Name at most {MAX_CO_AUTHORS} co-authors.", field="co_authors")
    found = list(session.scalars(select(User).where(User.email.in_(wanted), User.active.is_(True))))
    missing = wanted - {user.email for user in found}
    if missing:
        raise DomainError(
            f"No colleague has the email {', '.join(sorted(missing))}.", field="co_authors"
        )
    if any(user.id == author.id for user in found):
        raise DomainError("You are already the author.", field="co_authors")
    return found


def _apply_input(session: Session, idea: Idea, author: User, data: IdeaInput) -> None:
    _check_title(data)
    _check_category(session, data.category_id)
    _check_campaign(session, author, idea, data.campaign_id)
    co_authors = _co_authors(session, author, data.co_author_emails)
    idea.title = data.title.strip()
    idea.problem = data.problem.strip()
    idea.solution = data.solution.strip()
    idea.impact = data.impact.strip()
    idea.channel = data.channel
    idea.category_id = data.category_id
    idea.campaign_id = data.campaign_id
    idea.updated_at = utcnow()
    session.flush()
    session.execute(delete(IdeaCoAuthor).where(IdeaCoAuthor.idea_id == idea.id))
    session.add_all(IdeaCoAuthor(idea_id=idea.id, user_id=user.id) for user in co_authors)
    session.flush()
    if idea.status is not IdeaStatus.DRAFT:
        _follow_all(session, idea.id, [user.id for user in co_authors])
        _drop_own_votes(session, idea, [user.id for user in co_authors])
        route_review(session, idea)


def _drop_own_votes(session: Session, idea: Idea, co_author_ids: list[int]) -> None:
    """Someone named a co-author after voting no longer votes for what is now their own idea."""
    if not co_author_ids:
        return
    dropped = session.execute(
        delete(Vote).where(Vote.idea_id == idea.id, Vote.voter_id.in_(co_author_ids))
    ).rowcount
    if dropped:
        _set_vote_count(session, idea.id, -dropped)
        session.expire(idea, ["vote_count", "hot_score"])


def _submit(session: Session, actor: User, idea: Idea) -> None:
    now = utcnow()
    idea.status = IdeaStatus.SUBMITTED
    idea.submitted_at = now
    idea.last_activity_at = now
    idea.department_id = actor.department_id
    idea.hot_score = hot_score(idea.vote_count, now)
    session.add(
        IdeaEvent(
            idea_id=idea.id,
            actor_id=actor.id,
            from_status=IdeaStatus.DRAFT,
            to_status=IdeaStatus.SUBMITTED,
            created_at=now,
        )
    )
    co_author_ids = session.scalars(
        select(IdeaCoAuthor.user_id).where(IdeaCoAuthor.idea_id == idea.id)
    )
    _follow_all(session, idea.id, [actor.id, *co_author_ids])
    route_review(session, idea)
    session.flush()


def submit_idea(session: Session, actor: User, data: IdeaInput, *, draft: bool = False) -> Idea:
    """A new idea, submitted for review or kept as the author's draft."""
    if not draft:
        _check_complete(data)
    idea = Idea(title=data.title.strip(), author_id=actor.id, status=IdeaStatus.DRAFT)
    session.add(idea)
    _apply_input(session, idea, actor, data)
    if not draft:
        _submit(session, actor, idea)
    return idea


def update_idea(
    session: Session, actor: User, idea_id: int, data: IdeaInput, *, submit: bool = False
) -> Idea:
    """The author edits until review starts; `submit` sends a draft for review."""
    idea = _get_idea(session, idea_id, for_update=True)
    if idea.author_id != actor.id:
        raise Forbidden("Only the author can edit this idea.")
    if idea.status not in EDITABLE_STATUSES:
        raise Conflict("Review has started, so the idea can no longer be edited.")
    if submit or idea.status is not IdeaStatus.DRAFT:
        _check_complete(data)
    _apply_input(session, idea, actor, data)
    if submit and idea.status is IdeaStatus.DRAFT:
        _submit(session, actor, idea)
    elif idea.status is not IdeaStatus.DRAFT:
        idea.last_activity_at = utcnow()
    session.flush()
    return idea


def _get_idea(session: Session, idea_id: int, *, for_update: bool = False) -> Idea:
    query = select(Idea).where(Idea.id == idea_id)
    if for_update:
        # Re-read under the lock even if this session already holds the row.
        query = query.with_for_update().execution_options(populate_existing=True)
    idea = session.scalars(query).one_or_none()
    if idea is None:
        raise NotFound("That idea does not exist.")
    return idea


def _visible_idea(session: Session, actor: User, idea_id: int, *, for_update: bool = False) -> Idea:
    idea = _get_idea(session, idea_id, for_update=for_update)
    if idea.status is IdeaStatus.DRAFT and idea.author_id != actor.id:
        raise NotFound("That idea does not exist.")
    return idea


# ---------------------------------------------------------------- voting and following


def _insert_ignoring_duplicates(session: Session, model: type, rows: list[dict]) -> int:
    """Insert rows whose primary key is new; returns how many really went in."""
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    key = model.__table__.primary_key.columns
    # RETURNING lists only the rows really inserted; rowcount is not reliable on every driver.
    statement = dialect.insert(model).values(rows).on_conflict_do_nothing().returning(*key)
    return len(session.execute(statement).all())


def _follow_all(session: Session, idea_id: int, user_ids: Iterable[int]) -> None:
    rows = [{"idea_id": idea_id, "user_id": user_id} for user_id in set(user_ids)]
    _insert_ignoring_duplicates(session, Follow, rows)


def _set_vote_count(session: Session, idea_id: int, change: int) -> int:
    """Move the counter in SQL (never read-modify-write) and refresh the trending score.

    Callers lock the idea row first, so a concurrent status change (a merge into another
    idea, a decline) cannot slip between the status check and the vote.
    """
    count, submitted_at = session.execute(
        update(Idea)
        .where(Idea.id == idea_id)
        .values(vote_count=Idea.vote_count + change)
        .returning(Idea.vote_count, Idea.submitted_at)
    ).one()
    # The UPDATE holds the row until commit, so this score matches the count just written.
    session.execute(
        update(Idea).where(Idea.id == idea_id).values(hot_score=hot_score(count, submitted_at))
    )
    return count


def _is_co_author(session: Session, idea_id: int, user_id: int) -> bool:
    return session.get(IdeaCoAuthor, (idea_id, user_id)) is not None


def cast_vote(session: Session, actor: User, idea_id: int) -> int:
    """Vote for an idea; voting twice changes nothing. Returns the new count."""
    idea = _visible_idea(session, actor, idea_id, for_update=True)
    if idea.author_id == actor.id:
        raise DomainError("You cannot vote for your own idea.")
    if _is_co_author(session, idea_id, actor.id):
        raise DomainError("You cannot vote for an idea you co-wrote.")
    if not idea.open_for_votes:
        raise DomainError(f"This idea is {idea.status.label.lower()} and takes no more votes.")
    inserted = _insert_ignoring_duplicates(
        session, Vote, [{"idea_id": idea_id, "voter_id": actor.id, "created_at": utcnow()}]
    )
    _follow_all(session, idea_id, [actor.id])
    count = _set_vote_count(session, idea_id, 1) if inserted else idea.vote_count
    session.expire(idea)
    return count


def withdraw_vote(session: Session, actor: User, idea_id: int) -> int:
    """Take a vote back; withdrawing twice changes nothing. Returns the new count."""
    idea = _visible_idea(session, actor, idea_id, for_update=True)
    if not idea.open_for_votes:
        raise DomainError(f"This idea is {idea.status.label.lower()}; its votes are final.")
    deleted = session.execute(
        delete(Vote).where(Vote.idea_id == idea_id, Vote.voter_id == actor.id)
    ).rowcount
    count = _set_vote_count(session, idea_id, -1) if deleted else idea.vote_count
    session.expire(idea)
    return count


def follow_idea(session: Session, actor: User, idea_id: int) -> None:
    _visible_idea(session, actor, idea_id)
    _follow_all(session, idea_id, [actor.id])


def unfollow_idea(session: Session, actor: User, idea_id: int) -> None:
    _visible_idea(session, actor, idea_id)
    session.execute(delete(Follow).where(Follow.idea_id == idea_id, Follow.user_id == actor.id))


def _follower_ids(session: Session, idea_id: int) -> list[int]:
    return list(session.scalars(select(Follow.user_id).where(Follow.idea_id == idea_id)))


# ---------------------------------------------------------------- who reviews


def reviews_by_role(user: User, idea: Idea) -> bool:
    """Admins, managers of the idea's department and the manager it was routed to review it;
    can_review then leaves out whoever wrote it."""
    if user.is_admin:
        return True
    return user.is_manager and (
        (idea.department_id is not None and user.department_id == idea.department_id)
        or idea.routed_reviewer_id == user.id
    )


def author_ids(session: Session, idea: Idea) -> set[int]:
    """The author and the co-authors: nobody reviews their own idea."""
    co_authors = session.scalars(
        select(IdeaCoAuthor.user_id).where(IdeaCoAuthor.idea_id == idea.id)
    )
    return {idea.author_id, *co_authors}


def can_review(session: Session, user: User, idea: Idea) -> bool:
    return reviews_by_role(user, idea) and user.id not in author_ids(session, idea)


def _check_reviewer(session: Session, actor: User, idea: Idea, doing: str) -> None:
    if idea.status is IdeaStatus.DRAFT or not reviews_by_role(actor, idea):
        raise Forbidden(f"Only the idea's reviewers can {doing}.")
    if actor.id in author_ids(session, idea):
        wrote = "wrote" if actor.id == idea.author_id else "co-wrote"
        raise Forbidden(
            f"You {wrote} this idea, so you cannot {doing}: another manager of its "
            "department, the manager above its author or an admin reviews it."
        )


def route_review(session: Session, idea: Idea) -> None:
    """When every manager of the idea's department wrote it, route it up.

    It goes to the nearest active manager above its author who did not write it, in any
    department; without one, the admins who did not write it review it (as they may any idea).
    """
    idea.routed_reviewer_id = None
    if idea.department_id is None:
        return
    managers = set(
        session.scalars(
            select(User.id).where(
                User.department_id == idea.department_id,
                User.active.is_(True),
                User.role.in_([Role.MANAGER, Role.ADMIN]),
            )
        )
    )
    authors = author_ids(session, idea)
    if not managers or managers - authors:
        return
    idea.routed_reviewer_id = next(
        (
            person_id
            for person_id, active, role in managers_above(session, idea.author_id)
            if active and role.rank >= Role.MANAGER.rank and person_id not in authors
        ),
        None,
    )


# ---------------------------------------------------------------- comments


def add_comment(
    session: Session, actor: User, idea_id: int, body: str, *, base_url: str
) -> Comment:
    idea = _visible_idea(session, actor, idea_id)
    if idea.status is IdeaStatus.DRAFT:
        raise DomainError("Submit the idea before discussing it.")
    if not body.strip():
        raise DomainError("Write a comment first.", field="body")
    comment = Comment(idea_id=idea_id, author_id=actor.id)
    _set_comment_body(comment, body)
    session.add(comment)
    session.execute(
        update(Idea)
        .where(Idea.id == idea_id)
        .values(comment_count=Idea.comment_count + 1, last_activity_at=utcnow())
    )
    _follow_all(session, idea_id, [actor.id])
    session.flush()
    notify(
        session,
        _follower_ids(session, idea_id),
        f"{actor.display_name} commented on “{idea.title}”",
        f"/ideas/{idea_id}#comment-{comment.id}",
        base_url=base_url,
        actor_id=actor.id,
    )
    return comment


def _set_comment_body(comment: Comment, body: str) -> None:
    """The Markdown and its sanitised HTML are always written together."""
    comment.body = body.strip()
    comment.body_html = str(render_markdown(comment.body))


def _own_comment(session: Session, actor: User, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None or comment.deleted:
        raise NotFound("That comment does not exist.")
    if comment.author_id != actor.id:
        raise Forbidden("You can only change your own comments.")
    return comment


def edit_comment(session: Session, actor: User, comment_id: int, body: str) -> Comment:
    comment = _own_comment(session, actor, comment_id)
    if not body.strip():
        raise DomainError("A comment cannot be empty.", field="body")
    _set_comment_body(comment, body)
    comment.edited_at = utcnow()
    session.flush()
    return comment


def delete_comment(session: Session, actor: User, comment_id: int) -> Comment:
    """Removes the text but keeps the place in the thread (and official responses' history)."""
    comment = _own_comment(session, actor, comment_id)
    # Conditional, so a double click or a second tab removes (and uncounts) it only once.
    removed = session.execute(
        update(Comment)
        .where(Comment.id == comment_id, Comment.deleted_at.is_(None))
        .values(deleted_at=utcnow(), body="", body_html="")
        .execution_options(synchronize_session=False)
    ).rowcount
    if removed:
        session.execute(
            update(Idea)
            .where(Idea.id == comment.idea_id)
            .values(comment_count=Idea.comment_count - 1)
        )
    session.expire(comment)
    return comment


def mark_official_response(
    session: Session, actor: User, comment_id: int, *, base_url: str
) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None or comment.deleted:
        raise NotFound("That comment does not exist.")
    idea = _get_idea(session, comment.idea_id, for_update=True)
    # Read again under the idea's lock: a concurrent click may have marked it already.
    session.refresh(comment)
    _check_reviewer(session, actor, idea, "mark an official response")
    if comment.official:
        return comment
    comment.official = True
    now = utcnow()
    if idea.first_response_at is None:
        idea.first_response_at = now
    idea.last_activity_at = now
    session.flush()
    notify(
        session,
        {idea.author_id, *_follower_ids(session, idea.id)},
        f"Official response on “{idea.title}”",
        f"/ideas/{idea.id}#comment-{comment.id}",
        base_url=base_url,
        actor_id=actor.id,
    )
    return comment


# ---------------------------------------------------------------- review


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
    added = _insert_ignoring_duplicates(session, Vote, moved)
    session.execute(delete(Vote).where(Vote.idea_id == idea.id))
    _set_vote_count(session, idea.id, -len(voters))
    own_vote = session.execute(
        delete(Vote).where(Vote.idea_id == original.id, Vote.voter_id == idea.author_id)
    ).rowcount
    if added - own_vote:
        _set_vote_count(session, original.id, added - own_vote)
    _follow_all(session, original.id, _follower_ids(session, idea.id))
    if idea.author_id != original.author_id:
        _insert_ignoring_duplicates(
            session, IdeaCoAuthor, [{"idea_id": original.id, "user_id": idea.author_id}]
        )
        route_review(session, original)
        session.flush()
    idea.duplicate_of_id = original.id
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


def _record_impact(session: Session, actor: User, idea: Idea, impact: ImpactInput | None):
    if impact is None or not impact.what_was_done.strip():
        raise DomainError("Describe what was done.", field="what_was_done")
    if not impact.measure.strip():
        raise DomainError("Name what was measured.", field="measure")
    if not impact.unit.strip():
        raise DomainError("Give the unit of the measure.", field="unit")
    if impact.before is None:
        raise DomainError("Give the value before.", field="before")
    check_amount(impact.before, "before")
    if impact.after is None:
        raise DomainError("Give the value after.", field="after")
    check_amount(impact.after, "after")
    if impact.measured_on is None:
        raise DomainError("Give the date of the measurement.", field="measured_on")
    check_date(impact.measured_on, "measured_on")
    session.add(
        Impact(
            idea_id=idea.id,
            what_was_done=impact.what_was_done.strip(),
            measure=impact.measure.strip(),
            unit=impact.unit.strip(),
            before=impact.before,
            after=impact.after,
            measured_on=impact.measured_on,
            recorded_by_id=actor.id,
        )
    )


def transition_idea(
    session: Session, actor: User, idea_id: int, change: TransitionInput, *, base_url: str
) -> IdeaEvent:
    """The one way an idea changes status: checks the table, records an event, tells people."""
    idea = _get_idea(session, idea_id, for_update=True)
    _check_reviewer(session, actor, idea, "change its status")
    _check_transition(idea, change)
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
    record_audit(
        session,
        "idea_status_changed",
        actor_id=actor.id,
        target=f"idea:{idea.id}",
        detail=f"{event.from_status} -> {event.to_status}",
    )
    co_authors = session.scalars(
        select(IdeaCoAuthor.user_id).where(IdeaCoAuthor.idea_id == idea.id)
    )
    notify(
        session,
        {idea.author_id, *co_authors, *_follower_ids(session, idea.id)},
        f"“{idea.title}” is now {change.to_status.label.lower()}",
        f"/ideas/{idea.id}",
        base_url=base_url,
        actor_id=actor.id,
    )
    return event


# ---------------------------------------------------------------- campaigns


def _check_campaign_input(session: Session, data: CampaignInput) -> None:
    if len(data.question.strip()) < 10:
        raise DomainError("Ask a question of at least 10 characters.", field="question")
    if data.starts_on is None:
        raise DomainError("Give the first day of the campaign.", field="starts_on")
    check_date(data.starts_on, "starts_on")
    if data.ends_on is None:
        raise DomainError("Give the last day of the campaign.", field="ends_on")
    check_date(data.ends_on, "ends_on")
    if data.ends_on < data.starts_on:
        raise DomainError("The campaign cannot end before it starts.", field="ends_on")
    if data.department_id is not None and session.get(Department, data.department_id) is None:
        raise DomainError("Choose a department from the list.", field="department")


def _apply_campaign(campaign: Campaign, data: CampaignInput) -> None:
    campaign.question = data.question.strip()
    campaign.description = data.description.strip()
    campaign.starts_on = data.starts_on
    campaign.ends_on = data.ends_on
    campaign.department_id = data.department_id


def create_campaign(session: Session, actor: User, data: CampaignInput) -> Campaign:
    if not actor.is_admin:
        raise Forbidden("Only admins run campaigns.")
    _check_campaign_input(session, data)
    campaign = Campaign(created_by_id=actor.id)
    _apply_campaign(campaign, data)
    session.add(campaign)
    session.flush()
    record_audit(session, "campaign_created", actor_id=actor.id, target=f"campaign:{campaign.id}")
    return campaign


def update_campaign(
    session: Session, actor: User, campaign_id: int, data: CampaignInput
) -> Campaign:
    if not actor.is_admin:
        raise Forbidden("Only admins run campaigns.")
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("That campaign does not exist.")
    _check_campaign_input(session, data)
    _apply_campaign(campaign, data)
    session.flush()
    record_audit(session, "campaign_updated", actor_id=actor.id, target=f"campaign:{campaign.id}")
    return campaign


# ---------------------------------------------------------------- categories


def add_category(session: Session, actor: User, name: str) -> Category:
    if not actor.is_admin:
        raise Forbidden("Only admins manage categories.")
    name = " ".join(name.split())
    if not 2 <= len(name) <= 80:
        raise DomainError("Give the category a name of 2 to 80 characters.", field="name")
    category = Category(name=name)
    try:
        # The unique name decides, even when two admins add the same one at once.
        with session.begin_nested():
            session.add(category)
    except IntegrityError:
        raise DomainError("That category already exists.", field="name") from None
    record_audit(session, "category_added", actor_id=actor.id, target=f"category:{category.id}")
    return category


def set_category_active(session: Session, actor: User, category_id: int, active: bool) -> Category:
    """Retired categories keep their ideas but are no longer offered for new ones."""
    if not actor.is_admin:
        raise Forbidden("Only admins manage categories.")
    category = session.get(Category, category_id)
    if category is None:
        raise NotFound("That category does not exist.")
    category.active = active
    session.flush()
    record_audit(
        session,
        "category_restored" if active else "category_retired",
        actor_id=actor.id,
        target=f"category:{category.id}",
    )
    return category
