"""Generated ideas: their statuses, review timelines, reviewers and measured impact."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from portal.accounts.models import Role, User
from portal.demo.generate.people import Organisation
from portal.demo.generate.plan import Plan, Row, table_of
from portal.demo.review_paths import REVIEW_PATHS
from portal.ideas.models import (
    VOTABLE_STATUSES,
    CustomerChannel,
    Idea,
    IdeaCoAuthor,
    IdeaEvent,
    IdeaStatus,
    Impact,
)
from portal.ideas.rules import DECISIONS, reviews_by_role

IDEAS = table_of(Idea)
IDEA_EVENTS = table_of(IdeaEvent)
IMPACTS = table_of(Impact)
CO_AUTHORS = table_of(IdeaCoAuthor)
HISTORY_DAYS = 730
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
DRAFT_OR_DUPLICATE = frozenset({IdeaStatus.DRAFT, IdeaStatus.DUPLICATE})


@dataclass
class PlannedIdea:
    id: int
    author_id: int
    department_id: int
    status: IdeaStatus
    opened_at: datetime  # submitted (a draft: written), from when it takes votes and comments
    closed_at: datetime | None = None  # when it stopped taking votes
    voters: list[int] = field(default_factory=list)
    comment_count: int = 0
    last_activity_at: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.last_activity_at = self.opened_at

    @property
    def submitted(self) -> bool:
        return self.status is not IdeaStatus.DRAFT


@dataclass(frozen=True)
class Timeline:
    status: IdeaStatus
    created: datetime
    steps: list[tuple[IdeaStatus, datetime]]  # each review step after submission, and when


def idea_text(rng: random.Random, number: int) -> Row:
    problem = rng.choice(PROBLEMS)
    subject = rng.choice(SUBJECTS)
    return {
        "title": f"{rng.choice(ACTIONS)} {subject} ({number})",
        "problem": f"Today {problem}, so they call again and wait again.",
        "solution": f"Rework {subject} so members get a clear answer the first time.",
        "impact": "Fewer repeat contacts, shorter waits and calmer conversations.",
    }


def review_timeline(rng: random.Random, status: IdeaStatus, now: datetime) -> Timeline:
    """When the idea was written (and submitted, but for a draft), and each review step after."""
    if status is IdeaStatus.DRAFT:
        return Timeline(status, now - timedelta(seconds=rng.uniform(0, 30 * 86400)), [])
    steps = REVIEW_PATHS[status]
    gaps = [timedelta(hours=rng.uniform(4, 24 * 20)) for _ in steps]
    latest_start = now - sum(gaps, timedelta()) - timedelta(hours=1)
    submitted = latest_start - timedelta(seconds=rng.uniform(0, HISTORY_DAYS * 86400))
    moments = [submitted + sum(gaps[: index + 1], timedelta()) for index in range(len(gaps))]
    return Timeline(status, submitted, list(zip(steps, moments, strict=True)))


def reviewers_by_department(org: Organisation, department_ids: set[int]) -> dict[int, list[int]]:
    """Who may review an idea of each department, by the ideas' own rule (reviews_by_role);
    the idea's authors are left out when one is chosen."""
    staff = [
        (person.id, User(id=person.id, role=person.role, department_id=person.department_id))
        for person in org.people
    ]
    reviewers = {}
    for department_id in department_ids:
        idea = Idea(department_id=department_id)
        reviewers[department_id] = [
            person_id for person_id, user in staff if reviews_by_role(user, idea)
        ]
    return reviewers


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
    reviewers = reviewers_by_department(org, {person.department_id for person in authors})
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
            timeline = Timeline(IdeaStatus.SUBMITTED, timeline.created, [])
        author = rng.choice(authors)
        idea = PlannedIdea(
            first_id + number, author.id, author.department_id, timeline.status, timeline.created
        )
        reviewer = rng.choice(
            [person for person in reviewers[author.department_id] if person != author.id]
        )
        original = rng.choice(originals) if timeline.status is IdeaStatus.DUPLICATE else None
        row = plan_one_idea(plan, rng, idea, timeline, reviewer, original)
        row.update(idea_text(rng, idea.id))
        row["category_id"] = rng.choice(category_ids)
        row["channel"] = rng.choice(CHANNELS)
        plan.add(IDEAS, [row])
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
) -> Row:
    """The idea's row and its timeline, as submit_idea and transition_idea write them."""
    created = timeline.created
    row: Row = {
        "id": idea.id,
        "author_id": idea.author_id,
        "status": idea.status,
        "department_id": None,
        "owner_id": None,
        "duplicate_of_id": None,
        "created_at": created,
        "updated_at": created,
        "submitted_at": created if idea.submitted else None,
        "first_response_at": None,
        "decided_at": None,
    }
    if not idea.submitted:
        return row
    row["department_id"] = idea.department_id
    if original is not None:
        row["duplicate_of_id"] = original.id
        if original.author_id != idea.author_id:
            plan.add(CO_AUTHORS, [{"idea_id": original.id, "user_id": idea.author_id}])
    plan.add(IDEA_EVENTS, timeline_rows(idea, timeline, reviewer))
    moments = [moment for _, moment in timeline.steps]
    decisions = [moment for status, moment in timeline.steps if status in DECISIONS]
    closing = [moment for status, moment in timeline.steps if status not in VOTABLE_STATUSES]
    idea.closed_at = closing[0] if closing else None
    idea.last_activity_at = moments[-1] if moments else created
    if IdeaStatus.APPROVED in REVIEW_PATHS[idea.status]:
        row["owner_id"] = reviewer
    if idea.status is IdeaStatus.IMPLEMENTED:
        plan.add(IMPACTS, [impact_row(rng, idea.id, reviewer, moments[-1])])
    row["first_response_at"] = moments[0] if moments else None
    row["decided_at"] = decisions[0] if decisions else None
    return row


def timeline_rows(idea: PlannedIdea, timeline: Timeline, reviewer: int) -> list[Row]:
    """The submission by the author, then each review step by the reviewer."""
    events = [(IdeaStatus.DRAFT, IdeaStatus.SUBMITTED, idea.author_id, timeline.created, "")]
    previous = IdeaStatus.SUBMITTED
    for to_status, moment in timeline.steps:
        events.append((previous, to_status, reviewer, moment, STEP_NOTES[to_status]))
        previous = to_status
    return [
        {
            "idea_id": idea.id,
            "actor_id": actor,
            "from_status": from_status,
            "to_status": to_status,
            "note": note,
            "created_at": moment,
        }
        for from_status, to_status, actor, moment, note in events
    ]


def impact_row(rng: random.Random, idea_id: int, recorder: int, moment: datetime) -> Row:
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
