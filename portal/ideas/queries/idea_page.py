"""An idea's page: the idea with its people, history and impacts, one page of its comments,
and what the viewer may do there; and the parts htmx redraws alone (the vote button, earlier
comments)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Executable, exists, func, select
from sqlalchemy.orm import Session, aliased

from portal.accounts.models import Department, User
from portal.core.pagination import Page, decode_cursor, encode_cursor, page_from_rows
from portal.ideas.models import (
    Campaign,
    Category,
    Comment,
    Follow,
    Idea,
    IdeaCoAuthor,
    IdeaEvent,
    IdeaStatus,
    Impact,
)
from portal.ideas.queries.similar import SimilarIdea, list_similar_ideas
from portal.ideas.queries.viewer import viewer_voted, viewer_wrote
from portal.ideas.rules import EDITABLE_STATUSES, next_statuses, reviews_by_role

COMMENTS_PER_PAGE = 50
T = TypeVar("T")


@dataclass(frozen=True)
class VoteButton:
    idea: Idea
    voted: bool
    own: bool


def get_vote_button(session: Session, viewer_id: int, idea_id: int) -> VoteButton | None:
    """What the vote button shows, in one statement: not the whole idea page with its comments."""
    row = session.execute(
        select(
            Idea,
            viewer_voted(Idea.id, viewer_id).label("voted"),
            viewer_wrote(Idea.author_id, Idea.id, viewer_id).label("own"),
        ).where(Idea.id == idea_id)
    ).first()
    if row is None or row.Idea.hidden_from(viewer_id):
        return None
    return VoteButton(idea=row.Idea, voted=row.voted, own=row.own)


@dataclass(frozen=True)
class CommentRow:
    """What the idea page shows of a comment: its stored HTML, its author's name, and (for a
    top comment) its replies, oldest first."""

    id: int
    parent_id: int | None
    author_id: int
    author_name: str
    body_html: str
    official: bool
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    replies: list[CommentRow] = field(default_factory=list)


@dataclass(frozen=True)
class IdeaPage:
    idea: Idea
    co_authors: list[User]
    comments: Page[CommentRow]
    official_response: CommentRow | None
    events: list[IdeaEvent]
    impacts: list[Impact]
    voted: bool
    following: bool
    reviewer: bool
    own: bool
    editable: bool
    next_statuses: list[IdeaStatus]
    # A reviewer by role who wrote the idea, so someone else reviews it.
    recused: bool
    routed_reviewer: User | None
    # For a reviewer who may mark it a duplicate: ideas like it, the likely originals.
    possible_originals: list[SimilarIdea] = field(default_factory=list)


# Made once: a fresh alias adapts every column again on each request.
_AUTHOR, _OWNER = aliased(User, name="author"), aliased(User, name="owner")
_ROUTED, _ORIGINAL = aliased(User, name="routed"), aliased(Idea, name="original")


def get_idea_page(
    session: Session, viewer: User, idea_id: int, comments_cursor: str | None = None
) -> IdeaPage | None:
    """An idea with everything its page shows (one page of comment threads and the pinned
    official response), in seven statements (six when it has no comments), and one more for
    a reviewer who may mark it a duplicate (the likely originals)."""
    author, owner, routed, original = _AUTHOR, _OWNER, _ROUTED, _ORIGINAL
    row = session.execute(
        select(
            Idea,
            author,
            owner,
            Category,
            Department,
            original,
            viewer_voted(Idea.id, viewer.id).label("voted"),
            exists()
            .where(Follow.idea_id == Idea.id, Follow.user_id == viewer.id)
            .label("following"),
            Campaign,
            routed,
        )
        .join(author, Idea.author_id == author.id)
        .outerjoin(Campaign, Idea.campaign_id == Campaign.id)
        .outerjoin(owner, Idea.owner_id == owner.id)
        .outerjoin(routed, Idea.routed_reviewer_id == routed.id)
        .outerjoin(Category, Idea.category_id == Category.id)
        .outerjoin(Department, Idea.department_id == Department.id)
        .outerjoin(original, Idea.duplicate_of_id == original.id)
        .where(Idea.id == idea_id)
    ).first()
    if row is None or row.Idea.hidden_from(viewer.id):
        return None
    idea = row.Idea
    _attach(idea, author=row.author, owner=row.owner, category=row.Category)
    _attach(idea, department=row.Department, duplicate_of=row.original, campaign=row.Campaign)
    co_authors = list(
        session.scalars(
            select(User)
            .join(IdeaCoAuthor, IdeaCoAuthor.user_id == User.id)
            .where(IdeaCoAuthor.idea_id == idea_id)
            .order_by(User.display_name)
        )
    )
    comments = _comment_page(session, idea_id, comments_cursor)
    events = [
        _attach(event.IdeaEvent, actor=event.User)
        for event in session.execute(
            select(IdeaEvent, User)
            .join(User, IdeaEvent.actor_id == User.id)
            .where(IdeaEvent.idea_id == idea_id)
            .order_by(IdeaEvent.id)
        )
    ]
    impacts = list(
        session.scalars(select(Impact).where(Impact.idea_id == idea_id).order_by(Impact.id))
    )
    own = idea.author_id == viewer.id or any(person.id == viewer.id for person in co_authors)
    reviews = idea.status is not IdeaStatus.DRAFT and reviews_by_role(viewer, idea)
    statuses = next_statuses(idea.status)
    originals = (
        list_similar_ideas(
            session, viewer.id, idea.title, idea.problem, exclude_id=idea.id, limit=3
        )
        if reviews and not own and IdeaStatus.DUPLICATE in statuses
        else []
    )
    return IdeaPage(
        idea=idea,
        co_authors=co_authors,
        comments=comments,
        official_response=_official_response(session, idea_id),
        events=events,
        impacts=impacts,
        voted=row.voted,
        following=row.following,
        reviewer=reviews and not own,
        own=own,
        editable=idea.author_id == viewer.id and idea.status in EDITABLE_STATUSES,
        next_statuses=statuses,
        recused=reviews and own,
        routed_reviewer=row.routed,
        possible_originals=originals,
    )


def _attach(obj: T, **related: Any) -> T:
    """Fill lazy="raise" relationships with rows loaded by a join, without new queries."""
    for name, value in related.items():
        obj.__dict__[name] = value
    return obj


COMMENT_COLUMNS = (
    Comment.id,
    Comment.parent_id,
    Comment.author_id,
    User.display_name.label("author_name"),
    Comment.body_html,
    Comment.official,
    Comment.created_at,
    Comment.edited_at,
    Comment.deleted_at.is_not(None).label("deleted"),
)
# Replies shown under one page of threads; a longer discussion goes on in new threads.
REPLIES_PER_PAGE = 500


def _comments(session: Session, query: Executable) -> list[CommentRow]:
    return [CommentRow(**row._mapping) for row in session.execute(query)]


def _comment_page(session: Session, idea_id: int, cursor: str | None) -> Page[CommentRow]:
    """Threads oldest first, so a discussion reads in order; the next threads follow by key
    (`ix_comments_idea_id_id`), never by OFFSET. Two statements: the top comments, then
    their replies (`ix_comments_parent_id_id`)."""
    key = decode_cursor(cursor, 1, (int,))
    query = (
        select(*COMMENT_COLUMNS)
        .join(User, Comment.author_id == User.id)
        .where(Comment.idea_id == idea_id, Comment.parent_id.is_(None))
    )
    if key is not None:
        query = query.where(Comment.id > key[0])
    rows = _comments(session, query.order_by(Comment.id).limit(COMMENTS_PER_PAGE + 1))
    page = page_from_rows(rows, COMMENTS_PER_PAGE, lambda comment: [comment.id])
    if page.items:
        threads = {comment.id: comment for comment in page.items}
        replies = (
            select(*COMMENT_COLUMNS)
            .join(User, Comment.author_id == User.id)
            .where(Comment.parent_id.in_(list(threads)))
            .order_by(Comment.id)
            .limit(REPLIES_PER_PAGE)
        )
        for reply in _comments(session, replies):
            threads[reply.parent_id or 0].replies.append(reply)
    return page


def _official_response(session: Session, idea_id: int) -> CommentRow | None:
    """The latest official response, pinned above the threads."""
    rows = _comments(
        session,
        select(*COMMENT_COLUMNS)
        .join(User, Comment.author_id == User.id)
        .where(Comment.idea_id == idea_id, Comment.official.is_(True), Comment.deleted_at.is_(None))
        .order_by(Comment.id.desc())
        .limit(1),
    )
    return rows[0] if rows else None


def comments_from(comment_id: int) -> str:
    """The cursor of the page of threads that starts with this top comment."""
    return encode_cursor([comment_id - 1])


def get_thread_cursor(session: Session, idea_id: int, thread_id: int) -> str | None:
    """Where a thread is shown: on the first page (None) when fewer than a page of threads
    come before it, else on the page that starts with it. One bounded statement."""
    earlier = (
        select(Comment.id)
        .where(Comment.idea_id == idea_id, Comment.parent_id.is_(None), Comment.id < thread_id)
        .limit(COMMENTS_PER_PAGE)
        .subquery()
    )
    before = session.execute(select(func.count()).select_from(earlier)).scalar_one()
    return None if before < COMMENTS_PER_PAGE else comments_from(thread_id)


@dataclass(frozen=True)
class CommentThread:
    idea: Idea
    comments: Page[CommentRow]
    reviewer: bool


def list_idea_comments(
    session: Session, viewer: User, idea_id: int, cursor: str | None
) -> CommentThread | None:
    """One page of an idea's comment threads (for htmx "Later comments"), in three statements."""
    row = session.execute(
        select(Idea, viewer_wrote(Idea.author_id, Idea.id, viewer.id).label("own")).where(
            Idea.id == idea_id
        )
    ).first()
    if row is None or row.Idea.hidden_from(viewer.id):
        return None
    idea = row.Idea
    reviewer = idea.status is not IdeaStatus.DRAFT and reviews_by_role(viewer, idea) and not row.own
    return CommentThread(idea, _comment_page(session, idea_id, cursor), reviewer)


def get_comment(session: Session, comment_id: int) -> Comment | None:
    comment = session.get(Comment, comment_id)
    return None if comment is None or comment.deleted else comment
