"""Large demo data: a whole organisation with years of ideas, votes and awards, bulk-loaded.

Everything is planned in memory first (deterministic for a seed and a day), then written with
Core ``insert()`` in chunks, one transaction per phase. Counters and ranking columns are
computed from the planned rows with the app's own functions, so they come out exactly as if
every vote and comment had gone through the services.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, insert, select, text

from portal.accounts.models import Department, Role, User
from portal.accounts.passwords import hash_password
from portal.core.db import Base
from portal.core.markdown import render_markdown
from portal.demo import (
    CONTRACT_PEOPLE,
    DEMO_PASSWORD,
    DEPARTMENTS,
    FIRST_NAMES,
    LAST_NAMES,
    TITLES,
)
from portal.ideas.demo import CATEGORIES
from portal.ideas.models import (
    VOTABLE_STATUSES,
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
from portal.ideas.rules import DECISIONS
from portal.recognition.demo import CATALOGUE, COMMITTEE_EMAILS
from portal.recognition.models import (
    ApprovalPath,
    ApprovalStep,
    Award,
    AwardTier,
    Nomination,
    NominationEvent,
    NominationStatus,
    NominationTrait,
    PointsLedgerEntry,
    Trait,
    award_committee_members,
)
from portal.recognition.rules import COMMITTEE, PATH_LEVELS
from portal.reviews.models import ReviewCycle

CHUNK = 5000
TEAM_SIZE = 8
HISTORY_DAYS = 730
ZIPF_EXPONENT = 1.0
EXTRA_DEPARTMENTS = [
    "Operations",
    "Finance",
    "Technology",
    "Risk & Compliance",
    "Marketing",
    "Field Services",
]
IDEA_STATUS_WEIGHTS = {
    IdeaStatus.DRAFT: 3,
    IdeaStatus.SUBMITTED: 22,
    IdeaStatus.UNDER_REVIEW: 15,
    IdeaStatus.APPROVED: 8,
    IdeaStatus.IN_PROGRESS: 8,
    IdeaStatus.IMPLEMENTED: 12,
    IdeaStatus.DECLINED: 27,
    IdeaStatus.DUPLICATE: 5,
}
# The review steps after submission that lead to each status (see TRANSITIONS in ideas.rules).
REVIEW_PATHS: dict[IdeaStatus, tuple[IdeaStatus, ...]] = {
    IdeaStatus.DRAFT: (),
    IdeaStatus.SUBMITTED: (),
    IdeaStatus.UNDER_REVIEW: (IdeaStatus.UNDER_REVIEW,),
    IdeaStatus.APPROVED: (IdeaStatus.UNDER_REVIEW, IdeaStatus.APPROVED),
    IdeaStatus.IN_PROGRESS: (IdeaStatus.UNDER_REVIEW, IdeaStatus.APPROVED, IdeaStatus.IN_PROGRESS),
    IdeaStatus.IMPLEMENTED: (
        IdeaStatus.UNDER_REVIEW,
        IdeaStatus.APPROVED,
        IdeaStatus.IN_PROGRESS,
        IdeaStatus.IMPLEMENTED,
    ),
    IdeaStatus.DECLINED: (IdeaStatus.UNDER_REVIEW, IdeaStatus.DECLINED),
    IdeaStatus.DUPLICATE: (IdeaStatus.DUPLICATE,),
}
STEP_NOTES = {
    IdeaStatus.UNDER_REVIEW: "Looking into it with the team.",
    IdeaStatus.APPROVED: "Approved: worth doing this quarter.",
    IdeaStatus.IN_PROGRESS: "Work has started.",
    IdeaStatus.IMPLEMENTED: "Live for every member now.",
    IdeaStatus.DECLINED: "Not now: the cost outweighs the benefit for members this year.",
    IdeaStatus.DUPLICATE: "Already proposed; votes moved to the original.",
}
PROBLEMS = [
    "members wait too long on hold",
    "claim status messages are confusing",
    "members repeat their story on every call",
    "payment reminders arrive too late",
    "forms ask for the same details twice",
    "the mobile app logs members out too often",
    "chat answers are hard to find afterwards",
    "letters use jargon members do not understand",
    "branch opening hours are unclear online",
    "address changes take days to show",
]
ACTIONS = [
    "Offer",
    "Simplify",
    "Automate",
    "Explain",
    "Personalise",
    "Speed up",
    "Rewrite",
    "Remind members about",
]
SUBJECTS = [
    "call-backs",
    "claim updates",
    "payment reminders",
    "address changes",
    "chat transcripts",
    "renewal letters",
    "card replacements",
    "travel notices",
    "document uploads",
    "appointment booking",
]
CHANNELS = list(CustomerChannel)
COMMENT_TEXTS = [
    "Members ask me about this every week.",
    "We tried something similar in my last team and it worked well.",
    "How would this work for members abroad?",
    "Happy to help test this.",
    "This would save a lot of repeat calls.",
    "Could we start with a pilot in one region?",
]
# Rendered once, by the function the services use, rather than once per generated comment.
COMMENT_HTML = {text: str(render_markdown(text)) for text in COMMENT_TEXTS}
CITATIONS = [
    "Stayed on the line until a worried member's claim was sorted.",
    "Calmly turned an angry complaint into a thank-you letter.",
    "Noticed a member's confusion and explained every step patiently.",
    "Found a faster way to answer a common question and shared it with the team.",
    "Called a member back on their day off to confirm the fix worked.",
]
# Past cycles are mostly decided; the current one still has work in flight.
PAST_OUTCOMES = {"approved": 80, "rejected": 12, "withdrawn": 8}
CURRENT_OUTCOMES = {"pending": 35, "approved": 50, "rejected": 10, "withdrawn": 5}
AWARD_TIER_WEIGHTS = {AwardTier.SPOT: 80, AwardTier.QUARTERLY: 15, AwardTier.ANNUAL: 5}


@dataclass(frozen=True)
class Sizes:
    employees: int
    ideas: int
    votes: int
    comments: int
    nominations: int


@dataclass
class Person:
    id: int
    email: str
    department_id: int
    manager_id: int | None
    role: Role


@dataclass
class PlannedIdea:
    id: int
    author_id: int
    department_id: int
    status: IdeaStatus
    submitted_at: datetime | None = None
    closed_at: datetime | None = None  # when it stopped taking votes
    last_activity_at: datetime | None = None
    voters: list[int] = field(default_factory=list)
    comment_count: int = 0


@dataclass
class Plan:
    """Rows to insert, table by table, in insertion order."""

    rows: dict[Table, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, table: Table, rows: Iterable[dict[str, Any]]) -> None:
        self.rows[table].extend(rows)


class NotEmpty(RuntimeError):
    pass


ProgressBar = Callable[..., AbstractContextManager[Any]]


# --- the organisation ---------------------------------------------------------------------


def generated_name(number: int) -> str:
    first = FIRST_NAMES[number % len(FIRST_NAMES)]
    last = LAST_NAMES[(number // len(FIRST_NAMES) + number * 7) % len(LAST_NAMES)]
    return f"{first} {last}"


class Organisation:
    """People with ids in insertion order, so every manager is inserted before their reports."""

    def __init__(self, password_hash: str, now: datetime) -> None:
        self.password_hash = password_hash
        self.now = now
        self.people: list[Person] = []
        self.rows: list[dict[str, Any]] = []
        self.by_email: dict[str, Person] = {}
        self.generated = 0

    def add(
        self,
        email: str | None,
        name: str,
        title: str,
        department_id: int,
        manager_id: int | None,
        role: Role,
    ) -> Person:
        if email is None:
            self.generated += 1
            email = f"employee{self.generated}@example.com"
            name = generated_name(self.generated)
        person = Person(len(self.people) + 1, email, department_id, manager_id, role)
        self.people.append(person)
        self.by_email[email] = person
        self.rows.append(
            {
                "id": person.id,
                "email": email,
                "password_hash": self.password_hash,
                "display_name": name,
                "job_title": title,
                "department_id": department_id,
                "manager_id": manager_id,
                "role": role,
                "active": True,
                "created_at": self.now,
                "updated_at": self.now,
            }
        )
        return person


def department_names(employees: int) -> list[str]:
    return DEPARTMENTS + (EXTRA_DEPARTMENTS if employees >= 1000 else [])


def split_evenly(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def plan_people(
    employees: int, departments: dict[str, int], password_hash: str, now: datetime
) -> Organisation:
    """CEO -> one director per department -> managers (one per TEAM_SIZE) -> team members.

    The DESIGN.md demo accounts keep their roles and managers; the demo director heads
    Customer Experience and reports to the CEO.
    """
    org = Organisation(password_hash, now)
    demo = {person.email: person for person in CONTRACT_PEOPLE}
    cx = departments["Customer Experience"]
    ceo = org.add(None, "", "Chief executive", cx, None, Role.MANAGER)
    admin = demo["admin@example.com"]
    org.add(admin.email, admin.name, admin.title, departments[admin.department], None, admin.role)
    directors = {
        cx: org.add(
            "director@example.com",
            demo["director@example.com"].name,
            demo["director@example.com"].title,
            cx,
            ceo.id,
            Role.MANAGER,
        )
    }
    for name, department_id in departments.items():
        if department_id != cx:
            directors[department_id] = org.add(
                None, "", f"Director of {name}", department_id, ceo.id, Role.MANAGER
            )
    left = max(employees - org.generated, 0)
    staff = dict(zip(departments.values(), split_evenly(left, len(departments)), strict=True))
    demo_manager = demo["manager@example.com"]
    teams: dict[int, list[Person]] = {}
    for department_id, count in staff.items():
        managers = [
            org.add(
                None, "", "Team manager", department_id, directors[department_id].id, Role.MANAGER
            )
            for _ in range(max(1, round(count / (TEAM_SIZE + 1))) if count else 0)
        ]
        if department_id == cx:
            managers.insert(
                0,
                org.add(
                    demo_manager.email,
                    demo_manager.name,
                    demo_manager.title,
                    cx,
                    directors[cx].id,
                    Role.MANAGER,
                ),
            )
        teams[department_id] = managers
    for email in ("employee@example.com", "colleague@example.com"):
        person = demo[email]
        org.add(
            email,
            person.name,
            person.title,
            cx,
            org.by_email["manager@example.com"].id,
            person.role,
        )
    for department_id, count in staff.items():
        managers = teams[department_id]
        generated_managers = len(managers) - (1 if department_id == cx else 0)
        for number in range(count - generated_managers):
            manager = managers[number % len(managers)] if managers else directors[department_id]
            org.add(
                None, "", TITLES[number % len(TITLES)], department_id, manager.id, Role.EMPLOYEE
            )
    return org


def reviewers_by_department(org: Organisation) -> dict[int, list[int]]:
    """Managers review the ideas of their own department (see can_review)."""
    reviewers: dict[int, list[int]] = defaultdict(list)
    for person in org.people:
        if person.role is Role.MANAGER:
            reviewers[person.department_id].append(person.id)
    return reviewers


# --- ideas --------------------------------------------------------------------------------


def idea_text(rng: random.Random, number: int) -> dict[str, str]:
    problem = rng.choice(PROBLEMS)
    subject = rng.choice(SUBJECTS)
    return {
        "title": f"{rng.choice(ACTIONS)} {subject} ({number})",
        "problem": f"Today {problem}, so they call again and wait again.",
        "solution": f"Rework {subject} so members get a clear answer the first time.",
        "impact": "Fewer repeat contacts, shorter waits and calmer conversations.",
    }


@dataclass(frozen=True)
class Timeline:
    status: IdeaStatus
    created: datetime
    submitted: datetime | None
    steps: list[tuple[IdeaStatus, datetime]]


def review_timeline(rng: random.Random, status: IdeaStatus, now: datetime) -> Timeline:
    """When the idea was written or submitted, and when each later review step happened."""
    if status is IdeaStatus.DRAFT:
        created = now - timedelta(seconds=rng.uniform(0, 30 * 86400))
        return Timeline(status, created, None, [])
    steps = REVIEW_PATHS[status]
    gaps = [timedelta(hours=rng.uniform(4, 24 * 20)) for _ in steps]
    latest_start = now - sum(gaps, timedelta()) - timedelta(hours=1)
    submitted = latest_start - timedelta(seconds=rng.uniform(0, HISTORY_DAYS * 86400))
    moments = list(itertools.accumulate(gaps, initial=submitted))[1:]
    return Timeline(status, submitted, submitted, list(zip(steps, moments, strict=True)))


def plan_ideas(
    plan: Plan,
    rng: random.Random,
    count: int,
    first_id: int,
    org: Organisation,
    category_ids: list[int],
    now: datetime,
) -> list[PlannedIdea]:
    """Ideas numbered in the order they were written, as the app would number them."""
    authors = [person for person in org.people if person.role is not Role.ADMIN]
    reviewers = reviewers_by_department(org)
    admin_id = org.by_email["admin@example.com"].id
    statuses = rng.choices(
        list(IDEA_STATUS_WEIGHTS), weights=list(IDEA_STATUS_WEIGHTS.values()), k=count
    )
    timelines = sorted(
        (review_timeline(rng, status, now) for status in statuses), key=lambda line: line.created
    )
    ideas: list[PlannedIdea] = []
    originals: list[PlannedIdea] = []  # ideas a later one may duplicate
    for number, timeline in enumerate(timelines):
        if timeline.status is IdeaStatus.DUPLICATE and not originals:
            timeline = Timeline(IdeaStatus.SUBMITTED, timeline.created, timeline.submitted, [])
        author = rng.choice(authors)
        idea = PlannedIdea(first_id + number, author.id, author.department_id, timeline.status)
        department_reviewers = [
            reviewer for reviewer in reviewers[author.department_id] if reviewer != author.id
        ] or [admin_id]
        original = rng.choice(originals) if timeline.status is IdeaStatus.DUPLICATE else None
        row = plan_one_idea(plan, rng, idea, timeline, rng.choice(department_reviewers), original)
        row.update(idea_text(rng, idea.id))
        row["category_id"] = rng.choice(category_ids)
        row["channel"] = rng.choice(CHANNELS)
        plan.add(Idea.__table__, [row])
        ideas.append(idea)
        if idea.status not in DRAFT_OR_DUPLICATE:
            originals.append(idea)
    return ideas


def plan_one_idea(
    plan: Plan,
    rng: random.Random,
    idea: PlannedIdea,
    timeline: Timeline,
    reviewer: int,
    original: PlannedIdea | None,
) -> dict[str, Any]:
    """The idea's row and its timeline, as submit_idea and transition_idea write them."""
    created = timeline.created
    idea.last_activity_at = created
    row: dict[str, Any] = {
        "id": idea.id,
        "author_id": idea.author_id,
        "status": idea.status,
        "department_id": None,
        "owner_id": None,
        "duplicate_of_id": None,
        "created_at": created,
        "updated_at": created,
        "submitted_at": timeline.submitted,
        "first_response_at": None,
        "decided_at": None,
    }
    if idea.status is IdeaStatus.DRAFT:
        return row
    idea.submitted_at = timeline.submitted
    row["department_id"] = idea.department_id
    if original is not None:
        row["duplicate_of_id"] = original.id
        if original.author_id != idea.author_id:
            plan.add(IdeaCoAuthor.__table__, [{"idea_id": original.id, "user_id": idea.author_id}])
    events = [(IdeaStatus.DRAFT, IdeaStatus.SUBMITTED, idea.author_id, created, "")]
    previous = IdeaStatus.SUBMITTED
    for to_status, moment in timeline.steps:
        events.append((previous, to_status, reviewer, moment, STEP_NOTES[to_status]))
        previous = to_status
    plan.add(
        IdeaEvent.__table__,
        (
            {
                "idea_id": idea.id,
                "actor_id": actor,
                "from_status": from_status,
                "to_status": to_status,
                "note": note,
                "created_at": moment,
            }
            for from_status, to_status, actor, moment, note in events
        ),
    )
    moments = [moment for _, moment in timeline.steps]
    decisions = [moment for status, moment in timeline.steps if status in DECISIONS]
    closing = [moment for status, moment in timeline.steps if status not in VOTABLE_STATUSES]
    idea.closed_at = closing[0] if closing else None
    idea.last_activity_at = moments[-1] if moments else created
    if IdeaStatus.APPROVED in REVIEW_PATHS[idea.status]:
        row["owner_id"] = reviewer
    if idea.status is IdeaStatus.IMPLEMENTED:
        plan.add(Impact.__table__, [impact_row(rng, idea.id, reviewer, moments[-1])])
    row["first_response_at"] = moments[0] if moments else None
    row["decided_at"] = decisions[0] if decisions else None
    return row


DRAFT_OR_DUPLICATE = frozenset({IdeaStatus.DRAFT, IdeaStatus.DUPLICATE})


def impact_row(rng: random.Random, idea_id: int, recorder: int, moment: datetime) -> dict:
    before = Decimal(rng.randint(300, 900)) / 100
    return {
        "idea_id": idea_id,
        "what_was_done": "Rolled out to every team after a four-week pilot.",
        "measure": "Average wait",
        "unit": "minutes",
        "before": before,
        "after": (before * Decimal("0.7")).quantize(Decimal("0.01")),
        "measured_on": moment.date(),
        "recorded_by_id": recorder,
        "created_at": moment,
    }


# --- votes, comments, follows -------------------------------------------------------------


def zipf_shares(total: int, count: int, cap: int, rng: random.Random) -> list[int]:
    """`total` split over `count` slots by a Zipf law, none above `cap`, in random order."""
    weights = [1 / (rank**ZIPF_EXPONENT) for rank in range(1, count + 1)]
    shares = [0] * count
    left = min(total, cap * count)
    while left > 0:
        open_slots = [index for index in range(count) if shares[index] < cap]
        weight_sum = sum(weights[index] for index in open_slots)
        given = 0
        for index in open_slots:
            extra = min(cap - shares[index], int(left * weights[index] / weight_sum))
            shares[index] += extra
            given += extra
        if given == 0:  # the rounding remainder goes to the most popular open slots
            for index in open_slots[:left]:
                shares[index] += 1
            given = min(left, len(open_slots))
        left -= given
    rng.shuffle(shares)
    return shares


def moment_between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random()


def plan_votes(
    plan: Plan,
    rng: random.Random,
    total: int,
    ideas: list[PlannedIdea],
    people: int,
    now: datetime,
) -> None:
    """Votes skewed towards popular ideas, never by the author, one per person per idea,
    cast while the idea was open (drafts and merged duplicates hold none)."""
    open_ideas = [idea for idea in ideas if idea.status not in DRAFT_OR_DUPLICATE]
    if not open_ideas or people < 2:
        return
    shares = zipf_shares(total, len(open_ideas), people - 1, rng)
    rows = plan.rows[Vote.__table__]
    for idea, share in zip(open_ideas, shares, strict=True):
        voters = [
            voter
            for voter in rng.sample(range(1, people + 1), share + 1)
            if voter != idea.author_id
        ][:share]
        idea.voters = voters
        end = idea.closed_at or now
        rows.extend(
            {
                "idea_id": idea.id,
                "voter_id": voter,
                "created_at": moment_between(rng, idea.submitted_at, end),
            }
            for voter in voters
        )


def plan_comments(
    plan: Plan,
    rng: random.Random,
    total: int,
    ideas: list[PlannedIdea],
    people: int,
    now: datetime,
) -> dict[int, set[int]]:
    """Comments, more of them on ideas with more votes; returns the commenters per idea."""
    discussed = [idea for idea in ideas if idea.status is not IdeaStatus.DRAFT]
    commenters: dict[int, set[int]] = defaultdict(set)
    if not discussed:
        return commenters
    weights = [len(idea.voters) + 1 for idea in discussed]
    rows = plan.rows[Comment.__table__]
    for idea in rng.choices(discussed, weights=weights, k=total):
        author = rng.randint(1, people)
        moment = moment_between(rng, idea.submitted_at, now)
        idea.comment_count += 1
        idea.last_activity_at = max(idea.last_activity_at, moment)
        commenters[idea.id].add(author)
        body = rng.choice(COMMENT_TEXTS)
        rows.append(
            {
                "idea_id": idea.id,
                "author_id": author,
                "body": body,
                "body_html": COMMENT_HTML[body],
                "official": False,
                "created_at": moment,
            }
        )
    return commenters


def plan_follows(
    plan: Plan, ideas: list[PlannedIdea], commenters: dict[int, set[int]], now: datetime
) -> None:
    """Authors follow on submitting, voters on voting, commenters on commenting; a merged
    duplicate's followers follow the original (as _merge_into_original does)."""
    followers = {
        idea.id: {idea.author_id, *idea.voters, *commenters.get(idea.id, ())}
        for idea in ideas
        if idea.status is not IdeaStatus.DRAFT
    }
    duplicate_rows = plan.rows[Idea.__table__]
    for row in duplicate_rows:
        if row["duplicate_of_id"] is not None:
            followers[row["duplicate_of_id"]] |= followers[row["id"]]
    plan.add(
        Follow.__table__,
        (
            {"idea_id": idea_id, "user_id": user_id, "created_at": now}
            for idea_id, users in followers.items()
            for user_id in sorted(users)
        ),
    )


def finish_idea_rows(plan: Plan, ideas: list[PlannedIdea]) -> None:
    """Counters and the trending score exactly as the services leave them."""
    for idea, row in zip(ideas, plan.rows[Idea.__table__], strict=True):
        row["vote_count"] = len(idea.voters)
        row["comment_count"] = idea.comment_count
        row["last_activity_at"] = idea.last_activity_at
        row["hot_score"] = (
            hot_score(len(idea.voters), idea.submitted_at) if idea.submitted_at else 0.0
        )
    unique_co_authors = {
        (row["idea_id"], row["user_id"]): row for row in plan.rows[IdeaCoAuthor.__table__]
    }
    plan.rows[IdeaCoAuthor.__table__] = list(unique_co_authors.values())


# --- recognition --------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardInfo:
    id: int
    tier: AwardTier
    points: int
    path: ApprovalPath


@dataclass(frozen=True)
class CycleInfo:
    id: int
    starts: datetime
    ends: datetime


def half_years(first_day: date, last_day: date) -> list[tuple[str, date, date]]:
    cycles = []
    year, half = first_day.year, 1 if first_day.month <= 6 else 2
    while date(year, 1 if half == 1 else 7, 1) <= last_day:
        starts = date(year, 1 if half == 1 else 7, 1)
        ends = date(year, 6, 30) if half == 1 else date(year, 12, 31)
        cycles.append((f"H{half} {year}", starts, ends))
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    return cycles


def approval_levels(
    org: Organisation,
    award: AwardInfo,
    pair: tuple[int, int],
    committee: list[int],
    admins: list[int],
) -> list[list[int]]:
    """The same levels as recognition.rules.plan_levels, from the in-memory tree.

    Each level's first approver decides it here, so later levels leave them out as
    decide_nomination does; empty when a level would have nobody (nominating is refused).
    """
    nominator, nominee = pair
    taken = {nominator, nominee}
    chain = []
    manager_id = org.people[nominee - 1].manager_id
    while manager_id is not None:
        chain.append(manager_id)
        manager_id = org.people[manager_id - 1].manager_id
    above = 0
    levels = []
    for kind in PATH_LEVELS[award.path]:
        level = [member for member in committee if member not in taken] if kind == COMMITTEE else []
        free = [index for index in range(above, len(chain)) if chain[index] not in taken]
        if not level and free:
            level, above = [chain[free[0]]], free[0] + 1
        level = level or [admin for admin in admins if admin not in taken]
        if not level:
            return []
        taken.add(level[0])
        levels.append(level)
    return levels


def pick_nomination_pair(rng: random.Random, org: Organisation, by_department: dict) -> tuple:
    """Mostly colleagues of the same department, sometimes across the company; never oneself."""
    nominator = rng.choice(org.people)
    while True:
        pool = by_department[nominator.department_id] if rng.random() < 0.7 else org.people
        nominee = rng.choice(pool)
        if nominee.id != nominator.id:
            return nominator.id, nominee.id


def plan_nominations(
    plan: Plan,
    rng: random.Random,
    total: int,
    first_id: int,
    org: Organisation,
    awards: list[AwardInfo],
    committee: list[int],
    cycles: list[CycleInfo],
    now: datetime,
) -> None:
    by_department: dict[int, list[Person]] = defaultdict(list)
    for person in org.people:
        by_department[person.department_id].append(person)
    admins = [person.id for person in org.people if person.role is Role.ADMIN]
    tiers = [award.tier for award in awards]
    weights = [AWARD_TIER_WEIGHTS[tier] for tier in tiers]
    seen: set[tuple[int, int, int, int]] = set()
    number = first_id
    for _ in range(total * 3):
        if number - first_id >= total:
            break
        nominator, nominee = pick_nomination_pair(rng, org, by_department)
        award = rng.choices(awards, weights=weights)[0]
        cycle = rng.choice(cycles)
        if (nominator, nominee, award.id, cycle.id) in seen:
            continue
        seen.add((nominator, nominee, award.id, cycle.id))
        levels = approval_levels(org, award, (nominator, nominee), committee, admins)
        if not levels:
            continue
        created = moment_between(rng, cycle.starts, min(cycle.ends, now))
        outcomes = CURRENT_OUTCOMES if cycle.ends > now else PAST_OUTCOMES
        outcome = rng.choices(list(outcomes), weights=list(outcomes.values()))[0]
        plan_one_nomination(
            plan, rng, number, (nominator, nominee), award, cycle.id, levels, created, outcome, now
        )
        number += 1


def plan_one_nomination(
    plan: Plan,
    rng: random.Random,
    nomination_id: int,
    pair: tuple[int, int],
    award: AwardInfo,
    cycle_id: int,
    levels: list[list[int]],
    created: datetime,
    outcome: str,
    now: datetime,
) -> None:
    """A nomination, its traits, approval steps and events, as move_nomination leaves them."""
    nominator, nominee = pair
    events = [("submitted", nominator, None, "pending", 1, "")]
    level = 1
    if outcome == "approved":
        for level in range(1, len(levels)):
            events.append(("approved_level", levels[level - 1][0], "pending", "pending", level, ""))
        level = len(levels)
        events.append(("approved", levels[-1][0], "pending", "approved", level, "Well deserved."))
    elif outcome == "rejected":
        reason = "Lovely work, but it is part of the everyday job."
        events.append(("rejected", levels[0][0], "pending", "rejected", 1, reason))
    elif outcome == "withdrawn":
        events.append(("withdrawn", nominator, "pending", "withdrawn", 1, ""))
    elif len(levels) > 1 and rng.random() < 0.5:
        events.append(("approved_level", levels[0][0], "pending", "pending", 1, ""))
        level = 2
    moments = [created]
    for _ in events[1:]:
        moments.append(min(moments[-1] + timedelta(hours=rng.uniform(1, 240)), now))
    plan.add(
        NominationEvent.__table__,
        (
            {
                "nomination_id": nomination_id,
                "actor_id": actor,
                "action": action,
                "from_status": from_status,
                "to_status": to_status,
                "level": event_level,
                "note": note,
                "created_at": moment,
            }
            for (action, actor, from_status, to_status, event_level, note), moment in zip(
                events, moments, strict=True
            )
        ),
    )
    decided = moments[-1] if outcome != "pending" else None
    plan.add(
        Nomination.__table__,
        [
            {
                "id": nomination_id,
                "nominator_id": nominator,
                "nominee_id": nominee,
                "award_id": award.id,
                "awarded_award_id": None,
                "cycle_id": cycle_id,
                "team_group_id": None,
                "citation": rng.choice(CITATIONS),
                "status": NominationStatus(outcome),
                "current_level": level,
                "version": len(events),
                "created_at": created,
                "decided_at": decided,
            }
        ],
    )
    plan.add(
        NominationTrait.__table__,
        (
            {"nomination_id": nomination_id, "trait": trait}
            for trait in rng.sample(list(Trait), rng.randint(1, 3))
        ),
    )
    plan.add(
        ApprovalStep.__table__,
        (
            {"nomination_id": nomination_id, "level": number, "approver_id": approver}
            for number, approvers in enumerate(levels, start=1)
            for approver in approvers
        ),
    )
    if outcome == "approved":
        plan.add(
            PointsLedgerEntry.__table__,
            [
                {
                    "user_id": nominee,
                    "nomination_id": nomination_id,
                    "award_id": award.id,
                    "points": award.points,
                    "created_at": decided,
                }
            ],
        )


# --- writing ------------------------------------------------------------------------------


def count_people(connection: Connection) -> int:
    return connection.scalar(select(func.count()).select_from(User.__table__)) or 0


def empty_database(connection: Connection) -> None:
    """Delete every row of every portal table (the schema and its version stay)."""
    if connection.dialect.name == "postgresql":
        quoted = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        return
    connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
    for table in reversed(Base.metadata.sorted_tables):
        connection.execute(table.delete())


def next_id(connection: Connection, table: Table) -> int:
    return (connection.scalar(select(func.max(table.c.id))) or 0) + 1


def chunks(rows: list[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def insert_rows(
    connection: Connection, plan: Plan, tables: list[Table], label: str, progress: ProgressBar
) -> int:
    """Insert the planned rows of `tables` in order, in chunks, under one progress bar."""
    total = sum(len(plan.rows[table]) for table in tables)
    with progress(length=total, label=label) as bar:
        for table in tables:
            for chunk in chunks(plan.rows[table]):
                connection.execute(insert(table), chunk)
                bar.update(len(chunk))
    return total


def ensure_named(
    connection: Connection, table: Table, rows: list[dict[str, Any]]
) -> dict[str, int]:
    """Ids by name of a small reference table, adding the rows whose name is missing."""
    existing = dict(connection.execute(select(table.c.name, table.c.id)).all())
    missing = [row for row in rows if row["name"] not in existing]
    if missing:
        connection.execute(insert(table), missing)
    return dict(connection.execute(select(table.c.name, table.c.id)).all())


def ensure_awards(
    connection: Connection, org: Organisation, now: datetime
) -> tuple[list[AwardInfo], list[int]]:
    award_table = Award.__table__
    rows = [
        {
            "name": name,
            "description": description,
            "tier": tier,
            "points": points,
            "approval_path": path,
            "active": True,
            "created_at": now,
        }
        for name, description, tier, points, path in CATALOGUE
    ]
    ids = ensure_named(connection, award_table, rows)
    committee = [org.by_email[email].id for email in COMMITTEE_EMAILS]
    committee_award_ids = [
        ids[name] for name, *_, path in CATALOGUE if path is ApprovalPath.COMMITTEE
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
        AwardInfo(row.id, row.tier, row.points, row.approval_path)
        for row in connection.execute(
            select(award_table).where(award_table.c.active.is_(True)).order_by(award_table.c.id)
        )
    ]
    return awards, committee


def ensure_cycles(connection: Connection, now: datetime) -> list[CycleInfo]:
    first_day = (now - timedelta(days=HISTORY_DAYS)).date()
    rows = [
        {"name": name, "starts_on": starts, "ends_on": ends, "created_at": now}
        for name, starts, ends in half_years(first_day, now.date())
    ]
    ids = ensure_named(connection, ReviewCycle.__table__, rows)
    return [
        CycleInfo(
            ids[row["name"]],
            datetime.combine(row["starts_on"], datetime.min.time(), UTC),
            datetime.combine(row["ends_on"] + timedelta(days=1), datetime.min.time(), UTC),
        )
        for row in rows
    ]


def ensure_categories(connection: Connection, now: datetime) -> list[int]:
    table = Category.__table__
    active = list(connection.scalars(select(table.c.id).where(table.c.active.is_(True))))
    if active:
        return active
    rows = [{"name": name, "active": True, "created_at": now} for name in CATEGORIES]
    return list(ensure_named(connection, table, rows).values())


def move_sequences_past(connection: Connection, tables: Iterable[Table]) -> None:
    """PostgreSQL: rows inserted with explicit ids leave the id sequences behind."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        following = connection.scalar(select(func.coalesce(func.max(table.c.id), 0) + 1))
        sequence = func.pg_get_serial_sequence(table.name, "id")
        connection.execute(select(func.setval(sequence, following, False)))


@contextmanager
def fast_loading(connection: Connection) -> Iterator[None]:
    """Skip waiting for the disk on every commit, for the load only: a crash mid-load
    means generating again, never a corrupt portal."""
    dialect = connection.dialect.name
    # SQLite refuses to change this inside a transaction, so it goes to the driver directly.
    raw = connection.connection.driver_connection
    if dialect == "sqlite":
        raw.execute("PRAGMA synchronous=OFF")
    elif dialect == "postgresql":
        connection.exec_driver_sql("SET synchronous_commit TO OFF")
        connection.commit()
    try:
        yield
    finally:
        connection.rollback()
        if dialect == "sqlite":
            raw.execute("PRAGMA synchronous=NORMAL")
        elif dialect == "postgresql":
            connection.exec_driver_sql("RESET synchronous_commit")
            connection.commit()


# --- the whole run ------------------------------------------------------------------------


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
            elif count_people(connection):
                raise NotEmpty("The database already has people.")
            org = load_people(connection, sizes.employees, password_hash, now, progress)
        with connection.begin():
            plan = load_ideas(connection, rng, sizes, org, now, progress)
        with connection.begin():
            insert_rows(connection, plan, [Vote.__table__], "Votes", progress)
        with connection.begin():
            tables = [Comment.__table__, Follow.__table__]
            insert_rows(connection, plan, tables, "Comments", progress)
        with connection.begin():
            load_recognition(connection, rng, sizes.nominations, org, now, progress)
            move_sequences_past(connection, (User.__table__, Idea.__table__, Nomination.__table__))
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
    departments = ensure_named(connection, Department.__table__, department_rows)
    org = plan_people(employees, departments, password_hash, now)
    plan = Plan()
    plan.add(User.__table__, org.rows)
    insert_rows(connection, plan, [User.__table__], "People", bar)
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
    first = next_id(connection, Idea.__table__)
    ideas = plan_ideas(plan, rng, sizes.ideas, first, org, category_ids, now)
    plan_votes(plan, rng, sizes.votes, ideas, len(org.people), now)
    commenters = plan_comments(plan, rng, sizes.comments, ideas, len(org.people), now)
    plan_follows(plan, ideas, commenters, now)
    finish_idea_rows(plan, ideas)
    tables = [Idea.__table__, IdeaEvent.__table__, Impact.__table__, IdeaCoAuthor.__table__]
    insert_rows(connection, plan, tables, "Ideas", bar)
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
    first = next_id(connection, Nomination.__table__)
    plan_nominations(plan, rng, total, first, org, awards, committee, cycles, now)
    tables = [
        Nomination.__table__,
        NominationTrait.__table__,
        ApprovalStep.__table__,
        NominationEvent.__table__,
        PointsLedgerEntry.__table__,
    ]
    insert_rows(connection, plan, tables, "Awards", bar)


def table_counts(connection: Connection) -> dict[str, int]:
    tables = [User, Idea, Vote, Comment, Follow, IdeaEvent, Nomination, PointsLedgerEntry]
    return {
        model.__tablename__: connection.scalar(select(func.count()).select_from(model.__table__))
        or 0
        for model in tables
    }
