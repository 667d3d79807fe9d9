"""Read-only queries for the idea pages, each in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    func,
    literal,
    or_,
    select,
    tuple_,
    union,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from portal.accounts.models import Department, User
from portal.db import utcnow
from portal.ideas.models import (
    VOTABLE_STATUSES,
    Campaign,
    Category,
    Comment,
    Follow,
    Idea,
    IdeaCoAuthor,
    IdeaEvent,
    IdeaStatus,
    Impact,
    Vote,
)
from portal.ideas.search import matches_search
from portal.ideas.services import EDITABLE_STATUSES, REVIEW_STATUSES, TRANSITIONS, can_review
from portal.pagination import (
    Page,
    decode_cursor,
    decode_timestamp_cursor,
    encode_cursor,
    page_from_rows,
)


def _voted_by(user_id: int) -> ColumnElement[bool]:
    return exists().where(Vote.idea_id == Idea.id, Vote.voter_id == user_id)


def _is_mine(user_id: int) -> ColumnElement[bool]:
    return or_(
        Idea.author_id == user_id,
        exists().where(IdeaCoAuthor.idea_id == Idea.id, IdeaCoAuthor.user_id == user_id),
    )


@dataclass(frozen=True)
class Choice:
    id: int
    name: str


@dataclass(frozen=True)
class FeedChoices:
    """What the feed's filter form offers: active categories, departments, campaigns."""

    categories: list[Choice]
    departments: list[Choice]
    campaigns: list[Choice]


CATEGORIES, DEPARTMENTS, CAMPAIGNS = 0, 1, 2


def _ranked(kind: int, id_column: Any, name: Any, *order: Any) -> Select[Any]:
    return select(
        literal(kind).label("kind"),
        func.row_number().over(order_by=order).label("position"),
        id_column.label("id"),
        name.label("name"),
    )


def _feed_choices_statement() -> Select[Any]:
    lists = union_all(
        _ranked(CATEGORIES, Category.id, Category.name, Category.name).where(Category.active),
        _ranked(DEPARTMENTS, Department.id, Department.name, Department.name),
        _ranked(
            CAMPAIGNS, Campaign.id, Campaign.question, Campaign.starts_on.desc(), Campaign.id.desc()
        ),
    ).subquery()
    return select(lists.c.kind, lists.c.id, lists.c.name).order_by(lists.c.kind, lists.c.position)


# Built once: the statement never changes, and building it cost more than running it.
FEED_CHOICES = _feed_choices_statement()


def list_feed_choices(session: Session) -> FeedChoices:
    """The three lists of the filter form in one statement, each in its own order."""
    choices: dict[int, list[Choice]] = {CATEGORIES: [], DEPARTMENTS: [], CAMPAIGNS: []}
    for kind, choice_id, name in session.execute(FEED_CHOICES):
        choices[kind].append(Choice(choice_id, name))
    return FeedChoices(choices[CATEGORIES], choices[DEPARTMENTS], choices[CAMPAIGNS])


def list_categories(session: Session, *, include_retired: bool = False) -> list[Category]:
    query = select(Category).order_by(Category.name)
    if not include_retired:
        query = query.where(Category.active)
    return list(session.scalars(query))


def list_departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.name)))


@dataclass(frozen=True)
class VoteButton:
    idea: Idea
    voted: bool
    own: bool


def get_vote_button(session: Session, viewer_id: int, idea_id: int) -> VoteButton | None:
    """What the vote button shows, in one statement: not the whole idea page with its comments."""
    row = session.execute(
        select(Idea, _voted_by(viewer_id), _is_mine(viewer_id)).where(Idea.id == idea_id)
    ).first()
    if row is None or (row[0].status is IdeaStatus.DRAFT and row[0].author_id != viewer_id):
        return None
    return VoteButton(*row)


@dataclass(frozen=True)
class IdeaPage:
    idea: Idea
    co_authors: list[User]
    comments: Page[CommentRow]
    events: list[IdeaEvent]
    impacts: list[Impact]
    voted: bool
    following: bool
    reviewer: bool
    own: bool
    editable: bool
    next_statuses: list[IdeaStatus]


def get_idea_page(
    session: Session, viewer: User, idea_id: int, comments_cursor: str | None = None
) -> IdeaPage | None:
    """An idea with everything its page shows (one page of comments), in five statements."""
    author, owner, original = aliased(User), aliased(User), aliased(Idea)
    row = session.execute(
        select(
            Idea,
            author,
            owner,
            Category,
            Department,
            original,
            _voted_by(viewer.id),
            exists().where(Follow.idea_id == Idea.id, Follow.user_id == viewer.id),
            Campaign,
        )
        .join(author, Idea.author_id == author.id)
        .outerjoin(Campaign, Idea.campaign_id == Campaign.id)
        .outerjoin(owner, Idea.owner_id == owner.id)
        .outerjoin(Category, Idea.category_id == Category.id)
        .outerjoin(Department, Idea.department_id == Department.id)
        .outerjoin(original, Idea.duplicate_of_id == original.id)
        .where(Idea.id == idea_id)
    ).first()
    if row is None:
        return None
    idea = row[0]
    if idea.status is IdeaStatus.DRAFT and idea.author_id != viewer.id:
        return None
    _attach(idea, author=row[1], owner=row[2], category=row[3], department=row[4])
    _attach(idea, duplicate_of=row[5], campaign=row[8])
    co_authors = list(
        session.scalars(
            select(User)
            .join(IdeaCoAuthor, IdeaCoAuthor.user_id == User.id)
            .where(IdeaCoAuthor.idea_id == idea_id)
            .order_by(User.display_name)
        )
    )
    comments = _comment_page(session, idea_id, comments_cursor)
    events = _with_author(
        session.execute(
            select(IdeaEvent, User)
            .join(User, IdeaEvent.actor_id == User.id)
            .where(IdeaEvent.idea_id == idea_id)
            .order_by(IdeaEvent.id)
        ),
        attribute="actor",
    )
    impacts = list(
        session.scalars(select(Impact).where(Impact.idea_id == idea_id).order_by(Impact.id))
    )
    reviewer = idea.status is not IdeaStatus.DRAFT and can_review(viewer, idea)
    next_statuses = [status for status in REVIEW_STATUSES if status in TRANSITIONS[idea.status]]
    return IdeaPage(
        idea,
        co_authors,
        comments,
        events,
        impacts,
        voted=row[6],
        following=row[7],
        reviewer=reviewer,
        own=idea.author_id == viewer.id or any(person.id == viewer.id for person in co_authors),
        editable=idea.author_id == viewer.id and idea.status in EDITABLE_STATUSES,
        next_statuses=next_statuses,
    )


COMMENTS_PER_PAGE = 50


@dataclass(frozen=True)
class CommentRow:
    """What the idea page shows of a comment: its stored HTML and its author's name."""

    id: int
    author_id: int
    author_name: str
    body_html: str
    official: bool
    created_at: datetime
    edited_at: datetime | None
    deleted: bool


def _comment_page(session: Session, idea_id: int, cursor: str | None) -> Page[CommentRow]:
    """Newest first, so a new comment and the latest discussion open the thread; earlier
    comments follow by key (`ix_comments_idea_id_id`), never by OFFSET."""
    key = decode_cursor(cursor, 1, (int,))
    query = (
        select(
            Comment.id,
            Comment.author_id,
            User.display_name,
            Comment.body_html,
            Comment.official,
            Comment.created_at,
            Comment.edited_at,
            Comment.deleted_at.is_not(None),
        )
        .join(User, Comment.author_id == User.id)
        .where(Comment.idea_id == idea_id)
    )
    if key is not None:
        query = query.where(Comment.id < key[0])
    query = query.order_by(Comment.id.desc()).limit(COMMENTS_PER_PAGE + 1)
    rows = [CommentRow(*row) for row in session.execute(query)]
    return page_from_rows(rows, COMMENTS_PER_PAGE, lambda comment: [comment.id])


def comments_from(comment_id: int) -> str:
    """The cursor of the batch of comments that starts with this one (newest first)."""
    return encode_cursor([comment_id + 1])


@dataclass(frozen=True)
class CommentThread:
    idea: Idea
    comments: Page[CommentRow]
    reviewer: bool


def list_idea_comments(
    session: Session, viewer: User, idea_id: int, cursor: str | None
) -> CommentThread | None:
    """One page of an idea's comments (for htmx "Earlier comments"), in two statements."""
    idea = session.get(Idea, idea_id)
    if idea is None or (idea.status is IdeaStatus.DRAFT and idea.author_id != viewer.id):
        return None
    reviewer = idea.status is not IdeaStatus.DRAFT and can_review(viewer, idea)
    return CommentThread(idea, _comment_page(session, idea_id, cursor), reviewer)


def _attach(obj: Any, **related: Any) -> None:
    """Fill lazy="raise" relationships with rows loaded by a join, without new queries."""
    for name, value in related.items():
        obj.__dict__[name] = value


def _with_author(rows: Any, attribute: str = "author") -> list[Any]:
    items = []
    for item, person in rows:
        _attach(item, **{attribute: person})
        items.append(item)
    return items


@dataclass(frozen=True)
class QueueItem:
    idea: Idea
    author: str
    department: str | None
    waiting: timedelta
    overdue: bool


QUEUE_STATUSES = (IdeaStatus.SUBMITTED, IdeaStatus.UNDER_REVIEW)


def _queue_walk(status: IdeaStatus, reviewer: User, key: tuple[datetime, int] | None, limit: int):
    """The next ideas of one status in queue order: an ordered walk of (status, submitted_at)."""
    query = (
        select(Idea.id)
        .where(Idea.status == status)
        .order_by(Idea.submitted_at, Idea.id)
        .limit(limit)
    )
    if not reviewer.is_admin:
        query = query.where(Idea.department_id == reviewer.department_id)
    if key is not None:
        submitted_at, idea_id = key
        after = tuple_(Idea.submitted_at, Idea.id) > tuple_(
            literal(submitted_at, Idea.submitted_at.type), literal(idea_id)
        )
        query = query.where(after)
    return select(query.subquery().c.id)


def list_review_queue(
    session: Session,
    reviewer: User,
    *,
    target_days: int,
    cursor: str | None = None,
    limit: int = 25,
) -> Page[QueueItem]:
    """Ideas waiting for this reviewer, oldest first, one statement a page.

    Each open status is walked in index order and only the page's worth of each is merged
    and sorted, so the page costs the same however many ideas are waiting.
    """
    key = decode_timestamp_cursor(cursor)
    walks = [_queue_walk(status, reviewer, key, limit + 1) for status in QUEUE_STATUSES]
    page_ids = union_all(*walks).subquery()
    query = (
        select(Idea, User.display_name, Department.name)
        .join(User, Idea.author_id == User.id)
        .outerjoin(Department, Idea.department_id == Department.id)
        .where(Idea.id.in_(select(page_ids.c.id)))
        .order_by(Idea.submitted_at, Idea.id)
        .limit(limit + 1)
    )
    now = utcnow()
    target = timedelta(days=target_days)
    items = []
    for idea, author, department in session.execute(query):
        waiting = now - idea.submitted_at
        overdue = idea.first_response_at is None and waiting > target
        items.append(QueueItem(idea, author, department, waiting, overdue))
    return page_from_rows(items, limit, lambda item: (item.idea.submitted_at, item.idea.id))


@dataclass(frozen=True)
class SimilarIdea:
    id: int
    title: str
    status: IdeaStatus
    vote_count: int
    voted: bool
    own: bool

    @property
    def open_for_votes(self) -> bool:
        return self.status in VOTABLE_STATUSES


def list_similar_ideas(
    session: Session, viewer_id: int, title: str, limit: int = 5
) -> list[SimilarIdea]:
    """Submitted ideas sharing words with a title being typed, most voted first."""
    search = matches_search(session, title)
    if search is None or len(title.strip()) < 4:
        return []
    rows = session.execute(
        select(Idea.id, Idea.title, Idea.status, Idea.vote_count, _voted_by(viewer_id))
        .where(search, Idea.status != IdeaStatus.DRAFT, Idea.status != IdeaStatus.DUPLICATE)
        .add_columns(_is_mine(viewer_id))
        .order_by(Idea.vote_count.desc(), Idea.id.desc())
        .limit(limit)
    )
    return [SimilarIdea(*row) for row in rows]


def get_comment(session: Session, comment_id: int) -> Comment | None:
    comment = session.get(Comment, comment_id)
    return None if comment is None or comment.deleted else comment


@dataclass(frozen=True)
class CampaignRow:
    campaign: Campaign
    department: str | None
    idea_count: int


def _idea_counts():
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
        select(Campaign, Department.name, func.coalesce(counts.c.ideas, 0))
        .outerjoin(Department, Campaign.department_id == Department.id)
        .outerjoin(counts, counts.c.campaign_id == Campaign.id)
        .order_by(Campaign.starts_on.desc(), Campaign.id.desc())
    )
    return [CampaignRow(*row) for row in rows]


def list_open_campaigns(session: Session, user: User) -> list[Campaign]:
    """Campaigns this person can submit to today."""
    today = utcnow().date()
    return list(
        session.scalars(
            select(Campaign)
            .where(
                Campaign.starts_on <= today,
                Campaign.ends_on >= today,
                or_(Campaign.department_id.is_(None), Campaign.department_id == user.department_id),
            )
            .order_by(Campaign.ends_on, Campaign.id)
        )
    )


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
        select(Campaign, Department.name)
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
            select(func.count()).select_from(Idea).where(in_campaign).scalar_subquery(),
            select(func.coalesce(func.sum(Idea.vote_count), 0))
            .where(in_campaign)
            .scalar_subquery(),
            select(func.count()).select_from(people).scalar_subquery(),
            select(func.count())
            .select_from(Idea)
            .where(in_campaign, Idea.status == IdeaStatus.IMPLEMENTED)
            .scalar_subquery(),
        )
    ).one()
    return CampaignPage(row[0], row[1], CampaignNumbers(*numbers))
