"""Celebrating approved awards on the wall, and short comments under them."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.db import insert_or_refuse
from portal.core.errors import DomainError, NotFound
from portal.recognition.models import (
    AwardComment,
    Celebration,
    Nomination,
    NominationStatus,
)
from portal.recognition.queries.wall import visible_to

MAX_COMMENT_LENGTH = 280


class _AlreadyCelebrated(Exception):
    pass


@dataclass(frozen=True)
class CelebrationState:
    nomination_id: int
    count: int
    celebrated: bool


def _visible_award(session: Session, viewer: User, nomination_id: int) -> int:
    """The id of an approved award the viewer may see; any other is "not found"."""
    found = session.scalar(
        select(Nomination.id).where(
            Nomination.id == nomination_id,
            Nomination.status == NominationStatus.APPROVED,
            visible_to(viewer),
        )
    )
    if found is None:
        raise NotFound("That award does not exist.")
    return found


def celebrate(
    session: Session, actor: User, nomination_id: int, *, celebrating: bool
) -> CelebrationState:
    """Celebrate an award, or take it back. Saying the same twice (a double click, two tabs)
    changes nothing: the primary key lets one celebration per person stand."""
    _visible_award(session, actor, nomination_id)
    if celebrating:
        with suppress(_AlreadyCelebrated):
            insert_or_refuse(
                session,
                Celebration(nomination_id=nomination_id, user_id=actor.id),
                _AlreadyCelebrated(),
            )
    else:
        session.execute(
            delete(Celebration).where(
                Celebration.nomination_id == nomination_id, Celebration.user_id == actor.id
            )
        )
    count = session.scalar(select(func.count()).where(Celebration.nomination_id == nomination_id))
    return CelebrationState(nomination_id, count or 0, celebrating)


def comment_on_award(session: Session, actor: User, nomination_id: int, body: str) -> AwardComment:
    """A short plain-text comment under an award the author may see."""
    _visible_award(session, actor, nomination_id)
    text = " ".join(body.split())
    if not text:
        raise DomainError("Write a few words of congratulation.", field="comment")
    if len(text) > MAX_COMMENT_LENGTH:
        raise DomainError(
            f"Keep it short: at most {MAX_COMMENT_LENGTH} characters.", field="comment"
        )
    comment = AwardComment(nomination_id=nomination_id, author_id=actor.id, body=text)
    session.add(comment)
    session.flush()
    return comment
