"""Keeping the ideas' summary rows current, in the transaction of the write that changes them.

Each service that changes what the rows count calls one of these after its change:
submitting and reviewing move an idea's counts (`move_idea`), a vote notes its voter's
activity (`note_vote`), and anything that deletes votes recounts its voters'
(`recount_activity`). `recount.py` rebuilds and verifies them from the raw rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Table, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.core.counters import add_to_counts
from portal.ideas.models import Idea, Vote
from portal.ideas.rollups.models import IdeaDayCount, PersonActivity

DAY_COUNTS: Table = IdeaDayCount.__table__  # type: ignore[assignment]
ACTIVITY: Table = PersonActivity.__table__  # type: ignore[assignment]
DAY_KEYS = ("level", "day", "dimension", "value")
TENTH_OF_A_DAY = 8640  # seconds
IdeaKeys = tuple[tuple[date, str, str], ...]
# Counts are kept for spans of 1, 2, 4, ... 2**11 days aligned on EPOCH, so any period is
# the sum of at most two spans per level, whatever the history (see `covering_spans`).
LEVELS = 12
EPOCH = date(2000, 1, 1)


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def tenths_of_a_day(earlier: datetime, later: datetime) -> str:
    """Tenths of a day, to the tenth below 10 days, the day below 100 and ten days above:
    about 200 values whatever the number of ideas, each no more than 10% below the time."""
    tenths = int((later - earlier).total_seconds() // TENTH_OF_A_DAY)
    step = 1 if tenths < 100 else 10 if tenths < 1000 else 100
    return str(tenths // step * step)


def span_start(day: date, level: int) -> date:
    """The first day of the span of 2**level days holding `day`."""
    offset = (day - EPOCH).days
    return EPOCH + timedelta(days=offset >> level << level)


def covering_spans(first: date, last: date) -> list[tuple[int, date]]:
    """The fewest aligned spans (level, first day) that together are first..last."""
    spans = []
    day = first
    while day <= last:
        level = LEVELS - 1
        while level and (
            span_start(day, level) != day or day + timedelta(days=(1 << level) - 1) > last
        ):
            level -= 1
        spans.append((level, day))
        day += timedelta(days=1 << level)
    return spans


def in_every_span(deltas: Counter[tuple[date, str, str]]) -> Counter[tuple[int, date, str, str]]:
    """Each day's count added to the span of every level that holds the day."""
    spread: Counter[tuple[int, date, str, str]] = Counter()
    for (day, dimension, value), delta in deltas.items():
        if delta:
            for level in range(LEVELS):
                spread[(level, span_start(day, level), dimension, value)] += delta
    return spread


def idea_keys(
    submitted_at: datetime | None,
    status: str,
    category_id: int | None,
    channel: str | None,
    first_response_at: datetime | None,
    decided_at: datetime | None,
) -> IdeaKeys:
    """The rows an idea counts in; none for a draft."""
    if submitted_at is None:
        return ()
    day = utc_day(submitted_at)
    keys = [
        (day, "status", status),
        (day, "category", "" if category_id is None else str(category_id)),
        (day, "channel", channel or ""),
    ]
    if first_response_at is not None:
        keys.append((day, "response", tenths_of_a_day(submitted_at, first_response_at)))
    if decided_at is not None:
        keys.append((day, "decision", tenths_of_a_day(submitted_at, decided_at)))
    return tuple(keys)


def keys_of(idea: Idea) -> IdeaKeys:
    """Where the idea counts now: taken before a change and handed to `move_idea` after it."""
    return idea_keys(
        idea.submitted_at,
        idea.status.value,
        idea.category_id,
        idea.channel.value if idea.channel else None,
        idea.first_response_at,
        idea.decided_at,
    )


def move_idea(session: Session, before: IdeaKeys, idea: Idea) -> None:
    """Count the idea where it is now instead of where it was (`before`): one statement."""
    deltas: Counter[tuple[date, str, str]] = Counter(keys_of(idea))
    deltas.subtract(before)
    add_to_counts(session, DAY_COUNTS, DAY_KEYS, "ideas", in_every_span(deltas))


def _insert(session: Session):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(ACTIVITY)


def note_activity(session: Session, person_id: int, day: date) -> None:
    """The person took part on `day`: their last active day becomes it if it is later."""
    statement = _insert(session).values(person_id=person_id, last_active_on=day)
    current = ACTIVITY.c.last_active_on
    later = statement.excluded.last_active_on
    statement = statement.on_conflict_do_update(
        index_elements=["person_id"],
        set_={
            "last_active_on": case(
                (current.is_(None), later), (later > current, later), else_=current
            )
        },
    )
    session.execute(statement)


def count_submission(session: Session, idea: Idea) -> None:
    """An idea was just submitted: count it, and its author as taking part that day."""
    move_idea(session, (), idea)
    assert idea.submitted_at is not None
    note_activity(session, idea.author_id, utc_day(idea.submitted_at))


def note_vote(session: Session, idea_id: int, voter_id: int) -> None:
    """After a vote is cast: its voter took part on the vote's day."""
    cast_at = session.scalar(
        select(Vote.created_at).where(Vote.idea_id == idea_id, Vote.voter_id == voter_id)
    )
    if cast_at is not None:
        note_activity(session, voter_id, utc_day(cast_at))


def last_active_days(session: Session, person_ids: Iterable[int] | None = None) -> dict[int, date]:
    """Each person's last day with a submitted idea or a vote, from the raw rows."""
    votes = select(Vote.voter_id, func.max(Vote.created_at)).group_by(Vote.voter_id)
    ideas = (
        select(Idea.author_id, func.max(Idea.submitted_at))
        .where(Idea.submitted_at.is_not(None))
        .group_by(Idea.author_id)
    )
    if person_ids is not None:
        wanted = sorted(set(person_ids))
        votes = votes.where(Vote.voter_id.in_(wanted))
        ideas = ideas.where(Idea.author_id.in_(wanted))
    last: dict[int, date] = {}
    for query in (votes, ideas):
        for person_id, moment in session.execute(query):
            if moment is None:
                continue
            day = utc_day(moment)
            if person_id not in last or day > last[person_id]:
                last[person_id] = day
    return last


def recount_activity(session: Session, person_ids: Iterable[int]) -> None:
    """After votes are deleted: recount these people's last active day from the raw rows.

    Their rows are locked first, so the recount (a later statement) sees every vote committed
    before it; a vote cast meanwhile notes itself after the lock is released.
    """
    wanted = sorted(set(person_ids))
    if not wanted:
        return
    session.execute(
        select(ACTIVITY.c.person_id).where(ACTIVITY.c.person_id.in_(wanted)).with_for_update()
    )
    last = last_active_days(session, wanted)
    session.execute(
        update(ACTIVITY)
        .where(ACTIVITY.c.person_id.in_(wanted))
        .values(
            last_active_on=case(
                *((ACTIVITY.c.person_id == person, day) for person, day in last.items()),
                else_=None,
            )
            if last
            else None
        )
    )
