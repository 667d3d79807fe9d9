"""What colleagues see of approved awards: the wall, and the awards on a person's profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, select, true
from sqlalchemy.orm import Session, aliased

from portal.accounts.models import User
from portal.core.errors import NotFound
from portal.core.pagination import Page, beyond, decode_timestamp_cursor, page_from_rows
from portal.recognition.models import (
    Award,
    AwardComment,
    AwardTier,
    Celebration,
    Nomination,
    NominationStatus,
    RecognitionPreference,
)
from portal.recognition.queries.cards import NominationCard, card_query, cards_from


def visible_to(viewer: User) -> ColumnElement[bool]:
    """Awards of people who keep them from colleagues show only to admins and to themselves."""
    if viewer.is_admin:
        return true()
    hidden = select(RecognitionPreference.user_id).where(
        RecognitionPreference.hidden_from_colleagues.is_(True),
        RecognitionPreference.user_id != viewer.id,
    )
    return Nomination.nominee_id.not_in(hidden)


@dataclass(frozen=True)
class WallComment:
    author_name: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class WallAward:
    """An award on the wall, with its celebrations and the latest comments under it."""

    card: NominationCard
    celebrations: int
    celebrated: bool  # by the viewer
    comment_count: int
    comments: list[WallComment]  # the latest few, oldest first


# Comments shown under each award; the rest are counted ("and 4 earlier comments").
COMMENTS_SHOWN = 3


def _latest_comments(session: Session, nomination_ids: list[int]) -> dict[int, list[WallComment]]:
    """The latest few comments of each award, oldest first: one statement, bounded by the page."""
    if not nomination_ids:
        return {}
    rank = (
        func.row_number()
        .over(partition_by=AwardComment.nomination_id, order_by=AwardComment.id.desc())
        .label("rank")
    )
    ranked = (
        select(
            AwardComment.id,
            AwardComment.nomination_id,
            AwardComment.body,
            AwardComment.created_at,
            User.display_name.label("author_name"),
            rank,
        )
        .join(User, User.id == AwardComment.author_id)
        .where(AwardComment.nomination_id.in_(nomination_ids))
        .subquery()
    )
    rows = session.execute(
        select(ranked).where(ranked.c.rank <= COMMENTS_SHOWN).order_by(ranked.c.id)
    )
    comments: dict[int, list[WallComment]] = {}
    for row in rows:
        comments.setdefault(row.nomination_id, []).append(
            WallComment(row.author_name, row.body, row.created_at)
        )
    return comments


def _shown(viewer: User) -> ColumnElement[bool]:
    return (Nomination.status == NominationStatus.APPROVED) & visible_to(viewer)


def _wall_query(viewer: User) -> Select[Any]:
    """Approved awards the viewer may see, each with its celebrations, whether the viewer is
    one of them, and its comment count."""
    celebrations = (
        select(func.count())
        .where(Celebration.nomination_id == Nomination.id)
        .correlate(Nomination)
        .scalar_subquery()
    )
    celebrated = exists().where(
        Celebration.nomination_id == Nomination.id, Celebration.user_id == viewer.id
    )
    comment_count = (
        select(func.count())
        .where(AwardComment.nomination_id == Nomination.id)
        .correlate(Nomination)
        .scalar_subquery()
    )
    return (
        card_query()
        .add_columns(
            celebrations.label("celebrations"),
            celebrated.label("celebrated"),
            comment_count.label("comment_count"),
        )
        .where(_shown(viewer))
    )


def _wall_awards(session: Session, query: Select[Any], shown: int) -> list[WallAward]:
    """The awards of a wall query with their traits and latest comments: three statements."""
    rows = list(session.execute(query))
    cards = cards_from(session, rows)
    comments = _latest_comments(session, [card.id for card in cards[:shown]])
    return [
        WallAward(
            card,
            celebrations=row.celebrations,
            celebrated=bool(row.celebrated),
            comment_count=row.comment_count,
            comments=comments.get(card.id, []),
        )
        for card, row in zip(cards, rows, strict=True)
    ]


def list_wall(
    session: Session, viewer: User, *, cursor: str | None = None, limit: int = 25
) -> Page[WallAward]:
    """Approved awards the viewer may see, newest first, with celebrations and the latest
    comments: three statements."""
    order = (Nomination.decided_at, Nomination.id)
    newest_first = [column.desc() for column in order]
    # The page's ids first, walking the (status, decided_at, id) index; only then the joins and
    # the counts, for those rows alone. Joined in one query, the planner misjudged how many
    # awards survive the joins and built every approved award's card before sorting.
    ids = select(Nomination.id).where(_shown(viewer)).order_by(*newest_first).limit(limit + 1)
    key = decode_timestamp_cursor(cursor)
    if key is not None:
        ids = ids.where(beyond(order, key, descending=True))
    query = _wall_query(viewer).where(Nomination.id.in_(ids)).order_by(*newest_first)
    return page_from_rows(
        _wall_awards(session, query, limit),
        limit,
        lambda item: (item.card.decided_at.isoformat(), item.card.id),
    )


def get_wall_award(session: Session, viewer: User, nomination_id: int) -> WallAward:
    """One award as the wall shows it, for the fragment a comment redraws: three statements."""
    awards = _wall_awards(session, _wall_query(viewer).where(Nomination.id == nomination_id), 1)
    if not awards:
        raise NotFound("That award does not exist.")
    return awards[0]


@dataclass(frozen=True)
class PersonAward:
    nomination_id: int
    award_name: str
    tier: AwardTier
    citation: str
    nominator_name: str
    decided_at: datetime


_NOMINATOR = aliased(User, name="nominator")  # made once: see cards.py


def list_person_awards(session: Session, user_id: int, viewer: User) -> list[PersonAward]:
    """A person's approved awards for their profile, if the viewer may see them: one statement."""
    nominator = _NOMINATOR
    rows = session.execute(
        select(
            Nomination.id.label("nomination_id"),
            Award.name.label("award_name"),
            Award.tier.label("tier"),
            Nomination.citation.label("citation"),
            nominator.display_name.label("nominator_name"),
            Nomination.decided_at.label("decided_at"),
        )
        .join(Award, func.coalesce(Nomination.awarded_award_id, Nomination.award_id) == Award.id)
        .join(nominator, Nomination.nominator_id == nominator.id)
        .where(
            Nomination.nominee_id == user_id,
            Nomination.status == NominationStatus.APPROVED,
            visible_to(viewer),
        )
        .order_by(Nomination.decided_at.desc(), Nomination.id.desc())
        .limit(100)
    )
    return [PersonAward(**row._mapping) for row in rows]
