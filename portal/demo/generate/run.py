"""`flask demo generate`: plan each phase in memory, then bulk-insert it in one transaction."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.orm import Session

from portal.accounts.models import Department, User
from portal.accounts.passwords import hash_password
from portal.demo.generate.activity import (
    COMMENTS,
    FOLLOWS,
    VOTES,
    finish_idea_rows,
    plan_comments,
    plan_follows,
    plan_votes,
)
from portal.demo.generate.ideas import (
    CO_AUTHORS,
    HISTORY_DAYS,
    IDEA_EVENTS,
    IDEAS,
    IMPACTS,
    plan_ideas,
)
from portal.demo.generate.people import Organisation, department_names, plan_people
from portal.demo.generate.plan import Plan, table_of
from portal.demo.generate.recognition import (
    APPROVAL_STEPS,
    NOMINATION_EVENTS,
    NOMINATION_TRAITS,
    NOMINATIONS,
    POINTS_LEDGER,
    AwardInfo,
    CycleInfo,
    plan_nominations,
)
from portal.demo.generate.writing import (
    ProgressBar,
    count_rows,
    empty_database,
    ensure_named,
    fast_loading,
    insert_rows,
    move_sequences_past,
    next_id,
)
from portal.demo.ideas import CATEGORIES
from portal.demo.organisation import DEMO_PASSWORD
from portal.demo.recognition import CATALOGUE, COMMITTEE_EMAILS, half_years
from portal.ideas.models import Category
from portal.leaderboards.rollups import rebuild_rollups
from portal.recognition.models import ApprovalPath, Award, award_committee_members
from portal.reviews.models import ReviewCycle

USERS = table_of(User)
AWARDS = table_of(Award)


@dataclass(frozen=True)
class Sizes:
    employees: int
    ideas: int
    votes: int
    comments: int
    nominations: int


class NotEmpty(RuntimeError):
    pass


def start_of_today() -> datetime:
    """The anchor of every generated time: the same seed gives the same data all day."""
    return datetime.combine(datetime.now(UTC).date(), datetime.min.time(), UTC)


def generate_demo_data(
    engine: Engine,
    sizes: Sizes,
    *,
    seed: int,
    reset: bool,
    progress: ProgressBar,
) -> dict[str, int]:
    """Fill a migrated database; returns how many rows went into each table."""
    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
    now = start_of_today()
    password_hash = hash_password(DEMO_PASSWORD)
    writer = engine.execution_options(portal_write=True)
    with writer.connect() as connection, fast_loading(connection):
        with connection.begin():
            if reset:
                empty_database(connection)
            elif count_rows(connection, USERS):
                raise NotEmpty("The database already has people.")
            org = load_people(connection, sizes.employees, password_hash, now, progress)
        with connection.begin():
            plan = load_ideas(connection, rng, sizes, org, now, progress)
        with connection.begin():
            insert_rows(connection, plan, [VOTES], "Votes", progress)
        with connection.begin():
            insert_rows(connection, plan, [COMMENTS, FOLLOWS], "Comments", progress)
        with connection.begin():
            load_recognition(connection, rng, sizes.nominations, org, now, progress)
            move_sequences_past(connection, (USERS, IDEAS, NOMINATIONS))
        with connection.begin():
            rebuild_rollups(Session(bind=connection))
        if connection.dialect.name == "postgresql":
            # Statistics for the planner now, not when autovacuum gets to the loaded tables:
            # until then it plans for the empty tables of a fresh migration.
            with connection.begin():
                connection.exec_driver_sql("ANALYZE")
        with connection.begin():
            return table_counts(connection)


def load_people(
    connection: Connection, employees: int, password_hash: str, now: datetime, bar: ProgressBar
) -> Organisation:
    department_rows = [{"name": name, "created_at": now} for name in department_names(employees)]
    departments = ensure_named(connection, table_of(Department), department_rows)
    org = plan_people(employees, departments, password_hash, now)
    plan = Plan()
    plan.add(USERS, org.rows)
    insert_rows(connection, plan, [USERS], "People", bar)
    return org


def load_ideas(
    connection: Connection,
    rng: random.Random,
    sizes: Sizes,
    org: Organisation,
    now: datetime,
    bar: ProgressBar,
) -> Plan:
    """Plans ideas with their votes, comments and follows; inserts the ideas and timelines."""
    plan = Plan()
    category_ids = ensure_categories(connection, now)
    first = next_id(connection, IDEAS)
    ideas = plan_ideas(plan, rng, sizes.ideas, first, org, category_ids, now)
    plan_votes(plan, rng, sizes.votes, ideas, len(org.people), now)
    commenters = plan_comments(plan, rng, sizes.comments, ideas, len(org.people), now)
    plan_follows(plan, ideas, commenters, now)
    finish_idea_rows(plan, ideas)
    insert_rows(connection, plan, [IDEAS, IDEA_EVENTS, IMPACTS, CO_AUTHORS], "Ideas", bar)
    return plan


def load_recognition(
    connection: Connection,
    rng: random.Random,
    total: int,
    org: Organisation,
    now: datetime,
    bar: ProgressBar,
) -> None:
    awards, committee = ensure_awards(connection, org, now)
    cycles = ensure_cycles(connection, now)
    plan = Plan()
    first = next_id(connection, NOMINATIONS)
    plan_nominations(plan, rng, total, first, org, awards, committee, cycles, now)
    tables = [NOMINATIONS, NOMINATION_TRAITS, APPROVAL_STEPS, NOMINATION_EVENTS, POINTS_LEDGER]
    insert_rows(connection, plan, tables, "Awards", bar)


def ensure_categories(connection: Connection, now: datetime) -> list[int]:
    table = table_of(Category)
    active = list(connection.scalars(select(table.c.id).where(table.c.active.is_(True))))
    if active:
        return active
    rows = [{"name": name, "active": True, "created_at": now} for name in CATEGORIES]
    return list(ensure_named(connection, table, rows).values())


def ensure_awards(
    connection: Connection, org: Organisation, now: datetime
) -> tuple[list[AwardInfo], list[int]]:
    """The demo catalogue (added where missing) with its committee; the active awards."""
    rows = [
        {
            "name": award.name,
            "description": award.description,
            "tier": award.tier,
            "points": award.points,
            "approval_path": award.path,
            "active": True,
            "created_at": now,
        }
        for award in CATALOGUE
    ]
    ids = ensure_named(connection, AWARDS, rows)
    committee = [org.by_email[email].id for email in COMMITTEE_EMAILS]
    committee_award_ids = [
        ids[award.name] for award in CATALOGUE if award.path is ApprovalPath.COMMITTEE
    ]
    connection.execute(
        insert(award_committee_members),
        [
            {"award_id": award_id, "user_id": user_id}
            for award_id in committee_award_ids
            for user_id in committee
        ],
    )
    awards = [
        AwardInfo(id=row.id, tier=row.tier, points=row.points, path=row.approval_path)
        for row in connection.execute(
            select(AWARDS).where(AWARDS.c.active.is_(True)).order_by(AWARDS.c.id)
        )
    ]
    return awards, committee


def ensure_cycles(connection: Connection, now: datetime) -> list[CycleInfo]:
    first_day = (now - timedelta(days=HISTORY_DAYS)).date()
    cycles = half_years(first_day, now.date())
    rows = [
        {"name": name, "starts_on": starts, "ends_on": ends, "created_at": now}
        for name, starts, ends in cycles
    ]
    ids = ensure_named(connection, table_of(ReviewCycle), rows)
    return [
        CycleInfo(
            id=ids[name],
            starts=datetime.combine(starts, datetime.min.time(), UTC),
            ends=datetime.combine(ends + timedelta(days=1), datetime.min.time(), UTC),
        )
        for name, starts, ends in cycles
    ]


def table_counts(connection: Connection) -> dict[str, int]:
    tables = [USERS, IDEAS, VOTES, COMMENTS, FOLLOWS, IDEA_EVENTS, NOMINATIONS, POINTS_LEDGER]
    return {table.name: count_rows(connection, table) for table in tables}
