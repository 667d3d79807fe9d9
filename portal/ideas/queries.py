"""Read-only queries for the idea pages, each in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Subquery,
    and_,
    bindparam,
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

from portal.accounts.models import Department, Role, User
from portal.core.db import utcnow
from portal.core.pagination import (
    Page,
    decode_cursor,
    decode_timestamp_cursor,
    encode_cursor,
    page_from_rows,
)
from portal.ideas.models import (
    VOTABLE_STATUSES,
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
)
from portal.ideas.rules import EDITABLE_STATUSES, REVIEW_STATUSES, TRANSITIONS, reviews_by_role
from portal.ideas.search import match_condition, matches_search, search_terms, walks_sort_order

ideas_table = Idea.__table__
users_table = User.__table__
categories_table = Category.__table__
departments_table = Department.__table__
votes_table = Vote.__table__
co_authors_table = IdeaCoAuthor.__table__
# The viewer as a bound parameter, for statements built once and run for anyone.
VIEWER = bindparam("viewer_id", type_=Integer)


def _voted(idea_id: Any, viewer: Any = VIEWER) -> ColumnElement[bool]:
    """Whether `viewer` voted for the idea `idea_id` names (a column of the outer query)."""
    return exists().where(votes_table.c.idea_id == idea_id, votes_table.c.voter_id == viewer)


def _mine(author_id: Any, idea_id: Any, viewer: Any = VIEWER) -> ColumnElement[bool]:
    """Whether `viewer` wrote the idea or is one of its co-authors."""
    return or_(
        author_id == viewer,
        exists().where(co_authors_table.c.idea_id == idea_id, co_authors_table.c.user_id == viewer),
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
        select(Idea, _voted(Idea.id, viewer_id), _mine(Idea.author_id, Idea.id, viewer_id)).where(
            Idea.id == idea_id
        )
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
    # A reviewer by role who wrote the idea, so someone else reviews it.
    recused: bool
    routed_reviewer: User | None


def get_idea_page(
    session: Session, viewer: User, idea_id: int, comments_cursor: str | None = None
) -> IdeaPage | None:
    """An idea with everything its page shows (one page of comments), in five statements."""
    author, owner, routed, original = aliased(User), aliased(User), aliased(User), aliased(Idea)
    row = session.execute(
        select(
            Idea,
            author,
            owner,
            Category,
            Department,
            original,
            _voted(Idea.id, viewer.id),
            exists().where(Follow.idea_id == Idea.id, Follow.user_id == viewer.id),
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
    own = idea.author_id == viewer.id or any(person.id == viewer.id for person in co_authors)
    reviews = idea.status is not IdeaStatus.DRAFT and reviews_by_role(viewer, idea)
    next_statuses = [status for status in REVIEW_STATUSES if status in TRANSITIONS[idea.status]]
    return IdeaPage(
        idea,
        co_authors,
        comments,
        events,
        impacts,
        voted=row[6],
        following=row[7],
        reviewer=reviews and not own,
        own=own,
        editable=idea.author_id == viewer.id and idea.status in EDITABLE_STATUSES,
        next_statuses=next_statuses,
        recused=reviews and own,
        routed_reviewer=row[9],
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
    row = session.execute(
        select(Idea, _mine(Idea.author_id, Idea.id, viewer.id)).where(Idea.id == idea_id)
    ).first()
    if row is None:
        return None
    idea, own = row
    if idea.status is IdeaStatus.DRAFT and idea.author_id != viewer.id:
        return None
    reviewer = idea.status is not IdeaStatus.DRAFT and reviews_by_role(viewer, idea) and not own
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
    # Why it is in this queue when its author could have reviewed it: nobody reviews their own.
    routed: str | None = None


QUEUE_STATUSES = (IdeaStatus.SUBMITTED, IdeaStatus.UNDER_REVIEW)


def _queue_walk(status: IdeaStatus, reviewer: User, key: tuple[datetime, int] | None, limit: int):
    """The next ideas of one status in queue order: an ordered walk of (status, submitted_at).

    Everyone's own ideas are left out: nobody reviews what they wrote.
    """
    query = (
        select(Idea.id)
        .where(Idea.status == status, ~_mine(Idea.author_id, Idea.id, reviewer.id))
        .order_by(Idea.submitted_at, Idea.id)
        .limit(limit)
    )
    if not reviewer.is_admin:
        mine = Idea.routed_reviewer_id == reviewer.id
        if reviewer.department_id is not None:
            mine = or_(Idea.department_id == reviewer.department_id, mine)
        query = query.where(mine)
    if key is not None:
        submitted_at, idea_id = key
        after = tuple_(Idea.submitted_at, Idea.id) > tuple_(
            literal(submitted_at, Idea.submitted_at.type), literal(idea_id)
        )
        query = query.where(after)
    return select(query.subquery().c.id)


def _written_by_a_reviewer() -> ColumnElement[bool]:
    """Whether the idea's author or a co-author reviews it by role (an admin, or a manager of
    its department), so it went to another reviewer."""
    writer = aliased(User)
    return exists().where(
        writer.active.is_(True),
        or_(
            writer.id == Idea.author_id,
            writer.id.in_(
                select(co_authors_table.c.user_id).where(co_authors_table.c.idea_id == Idea.id)
            ),
        ),
        or_(
            writer.role == Role.ADMIN,
            and_(writer.role == Role.MANAGER, writer.department_id == Idea.department_id),
        ),
    )


def _routed_note(
    viewer: User, idea: Idea, routed_name: str | None, department: str | None, by_reviewer: bool
) -> str | None:
    where = department or "its department"
    if idea.routed_reviewer_id == viewer.id:
        return f"Routed to you, the manager above: every manager of {where} wrote it."
    if routed_name is not None:
        return f"Routed to {routed_name}, the manager above: every manager of {where} wrote it."
    if by_reviewer:
        return "Routed to you: one of its reviewers wrote it, and nobody reviews their own idea."
    return None


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
    routed = aliased(User)
    query = (
        select(Idea, User.display_name, Department.name, routed.display_name)
        .add_columns(_written_by_a_reviewer())
        .join(User, Idea.author_id == User.id)
        .outerjoin(Department, Idea.department_id == Department.id)
        .outerjoin(routed, Idea.routed_reviewer_id == routed.id)
        .where(Idea.id.in_(select(page_ids.c.id)))
        .order_by(Idea.submitted_at, Idea.id)
        .limit(limit + 1)
    )
    now = utcnow()
    target = timedelta(days=target_days)
    items = []
    for idea, author, department, routed_name, by_reviewer in session.execute(query):
        waiting = now - idea.submitted_at
        overdue = idea.first_response_at is None and waiting > target
        note = _routed_note(reviewer, idea, routed_name, department, by_reviewer)
        items.append(QueueItem(idea, author, department, waiting, overdue, note))
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
        select(Idea.id, Idea.title, Idea.status, Idea.vote_count, _voted(Idea.id, viewer_id))
        .where(search, Idea.status != IdeaStatus.DRAFT, Idea.status != IdeaStatus.DUPLICATE)
        .add_columns(_mine(Idea.author_id, Idea.id, viewer_id))
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


# --- the feed -------------------------------------------------------------------------------
# The busiest page, so its query is plain Core over the tables (no ORM entities to build or
# load), and each combination of sort and filters is compiled once into a statement with
# bound parameters; a request only fills in the values.


class Sort(StrEnum):
    TRENDING = "trending"
    TOP = "top"
    NEWEST = "newest"
    UPDATED = "updated"

    @property
    def label(self) -> str:
        return SORT_LABELS[self]


SORT_LABELS = {
    Sort.TRENDING: "Trending",
    Sort.TOP: "Top",
    Sort.NEWEST: "Newest",
    Sort.UPDATED: "Recently updated",
}
SORT_COLUMNS = {
    Sort.TRENDING: ideas_table.c.hot_score,
    Sort.TOP: ideas_table.c.vote_count,
    Sort.NEWEST: ideas_table.c.created_at,
    Sort.UPDATED: ideas_table.c.last_activity_at,
}
# The filters that compare one column with the chosen value: FeedFilters' field names.
FILTER_COLUMNS = {
    "status": ideas_table.c.status,
    "category_id": ideas_table.c.category_id,
    "channel": ideas_table.c.channel,
    "department_id": ideas_table.c.department_id,
    "campaign_id": ideas_table.c.campaign_id,
}


@dataclass(frozen=True)
class FeedFilters:
    sort: Sort = Sort.TRENDING
    search: str = ""
    status: IdeaStatus | None = None
    category_id: int | None = None
    channel: CustomerChannel | None = None
    department_id: int | None = None
    campaign_id: int | None = None
    mine: bool = False
    voted: bool = False


@dataclass(frozen=True, slots=True)
class IdeaCard:
    """Everything a card shows, and nothing else: equal cards draw the same HTML."""

    id: int
    title: str
    status: IdeaStatus
    channel: CustomerChannel | None
    comment_count: int
    vote_count: int
    category: str | None
    author: str
    department: str | None
    voted: bool
    own: bool

    @property
    def open_for_votes(self) -> bool:
        return self.status in VOTABLE_STATUSES


@lru_cache(maxsize=1024)
def feed_statement(
    dialect: str,
    sort: Sort,
    filters: tuple[str, ...],
    *,
    mine: bool,
    voted: bool,
    searched: bool,
    walk: bool,
    after: bool,
    limit: int,
) -> Select[Any]:
    """The feed's query for one shape of request; values come as bound parameters.

    The page's ideas are chosen first, then only those are joined to their author, category
    and department and checked for the viewer's vote: PostgreSQL otherwise plans the vote
    check for every idea that passes the filters, reading all of the viewer's votes.
    """
    column = SORT_COLUMNS[sort]
    query = (
        select(
            column.label("sort_key"),
            ideas_table.c.id,
            ideas_table.c.title,
            ideas_table.c.status,
            ideas_table.c.channel,
            ideas_table.c.comment_count,
            ideas_table.c.vote_count,
            ideas_table.c.author_id,
            ideas_table.c.category_id,
            ideas_table.c.department_id,
        )
        .order_by(column.desc(), ideas_table.c.id.desc())
        # In the SQL text, not a parameter: PostgreSQL's generic plan for a prepared statement
        # cannot see a parameter's value and plans for a large page (0.74 ms against 0.40).
        .limit(literal(limit + 1, literal_execute=True))
    )
    # The author's own drafts show only among their own ideas.
    if mine:
        query = query.where(_mine(ideas_table.c.author_id, ideas_table.c.id))
    else:
        query = query.where(ideas_table.c.status != IdeaStatus.DRAFT)
    if voted:
        query = query.where(_voted(ideas_table.c.id))
    # Filter values and search terms go into the SQL text: PostgreSQL then plans each value
    # once and reuses the plan, where a parameter's generic plan ignored the status filter's
    # index (every run planned afresh: 1.4 ms) and sorted every match of a search (6.4 ms).
    for name in filters:
        query = query.where(FILTER_COLUMNS[name] == bindparam(name, literal_execute=True))
    if searched:
        query = query.where(match_condition(dialect, walk=walk))
    if after:
        query = query.where(
            tuple_(column, ideas_table.c.id)
            < tuple_(
                bindparam("after_value", type_=column.type),
                bindparam("after_id", type_=Integer),
            )
        )
    return _with_card_details(query.subquery("page"))


def _with_card_details(page: Subquery) -> Select[Any]:
    return (
        select(
            page.c.sort_key,
            page.c.id,
            page.c.title,
            page.c.status,
            page.c.channel,
            page.c.comment_count,
            page.c.vote_count,
            categories_table.c.name.label("category"),
            users_table.c.display_name.label("author"),
            departments_table.c.name.label("department"),
            _voted(page.c.id).label("voted"),
            _mine(page.c.author_id, page.c.id).label("own"),
        )
        .select_from(
            page.join(users_table, page.c.author_id == users_table.c.id)
            .outerjoin(categories_table, page.c.category_id == categories_table.c.id)
            .outerjoin(departments_table, page.c.department_id == departments_table.c.id)
        )
        .order_by(page.c.sort_key.desc(), page.c.id.desc())
    )


# What a cursor of each numeric sort holds: its sort key (hot_score is a REAL) and the id.
NUMERIC_KEY_TYPES = {Sort.TRENDING: (float, int), Sort.TOP: (int, int)}


def after_key(sort: Sort, cursor: str | None) -> tuple[Any, int] | None:
    """The sort key a cursor carries, checked against the sort's type; None starts afresh."""
    if sort in (Sort.NEWEST, Sort.UPDATED):
        return decode_timestamp_cursor(cursor)
    key = decode_cursor(cursor, 2, NUMERIC_KEY_TYPES[sort])
    return (key[0], key[1]) if key is not None else None


def list_ideas(
    session: Session,
    viewer_id: int,
    filters: FeedFilters,
    *,
    cursor: str | None = None,
    limit: int = 25,
) -> Page[IdeaCard]:
    """The feed: one statement a page, whatever the filters (two for a search on SQLite)."""
    dialect = session.get_bind().dialect.name
    parameters: dict[str, Any] = {"viewer_id": viewer_id}
    chosen = {name: getattr(filters, name) for name in FILTER_COLUMNS}
    present = tuple(name for name, value in chosen.items() if value is not None)
    parameters.update((name, chosen[name]) for name in present)
    terms = search_terms(dialect, filters.search)
    if terms is not None:
        parameters["search_terms"] = terms
    walk = terms is not None and walks_sort_order(session, dialect, terms)
    after = after_key(filters.sort, cursor)
    if after is not None:
        parameters["after_value"], parameters["after_id"] = after
    statement = feed_statement(
        dialect,
        filters.sort,
        present,
        mine=filters.mine,
        voted=filters.voted,
        searched=terms is not None,
        walk=walk,
        after=after is not None,
        limit=limit,
    )
    rows = session.execute(statement, parameters).all()
    page = page_from_rows(rows, limit, lambda row: (row.sort_key, row.id))
    return Page([IdeaCard(*row[1:]) for row in page.items], page.next_cursor)


@dataclass(frozen=True)
class FeedPage:
    page: Page[IdeaCard]
    choices: FeedChoices | None


def get_feed(
    session: Session,
    viewer_id: int,
    filters: FeedFilters,
    *,
    cursor: str | None = None,
    limit: int = 25,
    with_choices: bool = True,
) -> FeedPage:
    """A feed page, with the filter form's lists when the whole page is drawn (two statements)."""
    page = list_ideas(session, viewer_id, filters, cursor=cursor, limit=limit)
    return FeedPage(page, list_feed_choices(session) if with_choices else None)
