"""The feed: the busiest page, so its query is plain Core over the tables (no ORM entities to
build or load), and each combination of sort and filters is compiled once into a statement
with bound parameters; a request only fills in the values. The filter form's three lists
come in one statement more."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from enum import StrEnum
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Integer,
    Row,
    Select,
    Subquery,
    bindparam,
    func,
    literal,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session

from portal.accounts.models import Department, User
from portal.core.pagination import Page, decode_cursor, decode_timestamp_cursor, page_from_rows
from portal.ideas.models import (
    VOTABLE_STATUSES,
    Campaign,
    Category,
    CustomerChannel,
    Idea,
    IdeaStatus,
)
from portal.ideas.queries.viewer import viewer_voted, viewer_wrote
from portal.ideas.search import match_condition, search_terms, walks_sort_order

ideas_table = Idea.__table__
users_table = User.__table__
categories_table = Category.__table__
departments_table = Department.__table__


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
    for row in session.execute(FEED_CHOICES):
        choices[row.kind].append(Choice(id=row.id, name=row.name))
    return FeedChoices(choices[CATEGORIES], choices[DEPARTMENTS], choices[CAMPAIGNS])


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
        query = query.where(viewer_wrote(ideas_table.c.author_id, ideas_table.c.id))
    else:
        query = query.where(ideas_table.c.status != IdeaStatus.DRAFT)
    if voted:
        query = query.where(viewer_voted(ideas_table.c.id))
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
            viewer_voted(page.c.id).label("voted"),
            viewer_wrote(page.c.author_id, page.c.id).label("own"),
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
    result = session.execute(statement, parameters)
    card = _card_maker(result.keys())
    rows: list[Row[Any]] = list(result)
    page = page_from_rows(rows, limit, lambda row: (row.sort_key, row.id))
    return Page([card(row) for row in page.items], page.next_cursor)


CARD_FIELDS = tuple(field.name for field in fields(IdeaCard))


def _card_maker(columns: Iterable[str]) -> Callable[[Row[Any]], IdeaCard]:
    """Cards from this result's rows by column name, each field's column looked up once per
    page rather than once per card (the rows also carry their sort key)."""
    position = {name: index for index, name in enumerate(columns)}
    pick = operator.itemgetter(*(position[name] for name in CARD_FIELDS))
    return lambda row: IdeaCard(*pick(row))


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
