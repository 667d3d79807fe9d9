"""Discussing an idea: comments by anyone, official responses by its reviewers."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.db import rows_changed, utcnow
from portal.core.errors import DomainError, Forbidden, NotFound
from portal.core.markdown import render_markdown
from portal.ideas.models import Comment, Idea, IdeaStatus
from portal.ideas.rollups.counting import keys_of, move_idea
from portal.ideas.rules import check_reviewer
from portal.ideas.services.shared import find_idea, find_visible_idea
from portal.ideas.services.telling import comment_texts, tell_idea_people
from portal.ideas.services.voting import follow_all


def _thread_of(session: Session, idea_id: int, reply_to: int | None) -> int | None:
    """The top comment a reply joins: replies are one level deep, so a reply to a reply
    joins its top comment."""
    if reply_to is None:
        return None
    replied = session.get(Comment, reply_to)
    if replied is None or replied.idea_id != idea_id:
        raise DomainError("That comment does not exist on this idea.")
    if replied.deleted:
        raise DomainError("That comment was deleted, so it takes no replies.")
    return replied.parent_id or replied.id


def add_comment(
    session: Session,
    actor: User,
    idea_id: int,
    body: str,
    *,
    base_url: str,
    reply_to: int | None = None,
) -> Comment:
    idea = find_visible_idea(session, actor, idea_id)
    if idea.status is IdeaStatus.DRAFT:
        raise DomainError("Submit the idea before discussing it.")
    if not body.strip():
        raise DomainError("Write a comment first.", field="body")
    parent_id = _thread_of(session, idea_id, reply_to)
    comment = Comment(idea_id=idea_id, author_id=actor.id, parent_id=parent_id)
    _set_comment_body(comment, body)
    session.add(comment)
    session.execute(
        update(Idea)
        .where(Idea.id == idea_id)
        .values(comment_count=Idea.comment_count + 1, last_activity_at=utcnow())
    )
    follow_all(session, idea_id, [actor.id])
    session.flush()
    tell_idea_people(
        session,
        idea,
        actor.id,
        comment_texts(idea, actor.display_name, "commented on"),
        f"/ideas/{idea_id}#comment-{comment.id}",
        base_url=base_url,
    )
    return comment


def _set_comment_body(comment: Comment, body: str) -> None:
    """The Markdown and its sanitised HTML are always written together."""
    comment.body = body.strip()
    comment.body_html = str(render_markdown(comment.body))


def _existing_comment(session: Session, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None or comment.deleted:
        raise NotFound("That comment does not exist.")
    return comment


def _own_comment(session: Session, actor: User, comment_id: int) -> Comment:
    comment = _existing_comment(session, comment_id)
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
    removed = rows_changed(
        session,
        update(Comment)
        .where(Comment.id == comment_id, Comment.deleted_at.is_(None))
        .values(deleted_at=utcnow(), body="", body_html="")
        .execution_options(synchronize_session=False),
    )
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
    comment = _existing_comment(session, comment_id)
    idea = find_idea(session, comment.idea_id, for_update=True)
    # Read again under the idea's lock: a concurrent click may have marked it already.
    session.refresh(comment)
    check_reviewer(session, actor, idea, "mark an official response")
    if comment.official:
        return comment
    comment.official = True
    now = utcnow()
    counted = keys_of(idea)
    if idea.first_response_at is None:
        idea.first_response_at = now
    move_idea(session, counted, idea)
    idea.last_activity_at = now
    session.flush()
    tell_idea_people(
        session,
        idea,
        actor.id,
        comment_texts(idea, actor.display_name, "gave the official response on"),
        f"/ideas/{idea.id}#comment-{comment.id}",
        base_url=base_url,
    )
    return comment
