"""Demo ideas: a campaign and about two dozen realistic ideas over eight months, across every
status and department, with votes, comments, answers and measured impact, all made through
the ideas services and then dated as if they had happened over those months."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.core.db import utcnow
from portal.demo.idea_plans import EARLIER_IDEAS, IDEAS, DemoIdea
from portal.demo.review_paths import REVIEW_PATHS
from portal.ideas.models import Category, Idea, IdeaEvent, IdeaStatus, Vote, hot_score
from portal.ideas.services.campaigns import CampaignInput, create_campaign
from portal.ideas.services.comments import add_comment, mark_official_response
from portal.ideas.services.reviewing import ImpactInput, TransitionInput, transition_idea
from portal.ideas.services.submitting import IdeaInput, submit_idea

DEMO_BASE_URL = "http://127.0.0.1:5000"
CATEGORIES = [
    "Billing and payments",
    "Claims",
    "Communication",
    "Digital experience",
    "Onboarding",
    "Policies and processes",
    "Wait times",
]
# Timeline rows are append-only for the portal; the demo dates its history once, through the table.
EVENTS = cast(Table, IdeaEvent.__table__)
CX_REVIEWER = "manager@example.com"
ADMIN = "admin@example.com"
CAMPAIGN_DAYS = 45  # the hold-times campaign opened this many days ago
FIRST_ANSWER_DAYS = 3  # reviewers answer within the response target
REVIEW_SPAN_DAYS = 60  # the last review step of an idea comes at most this long after it
OFFICIAL_ANSWERS = {
    "Plain-language claim status messages": (
        "Thank you! We are rewriting the first ten statuses with the Claims team this month."
    ),
    "Text members when a claim payment is sent": (
        "Live since May: every claim payment now sends a text. Calls about payments halved."
    ),
}


def _categories(session: Session) -> dict[str, Category]:
    existing = {category.name: category for category in session.scalars(select(Category))}
    for name in CATEGORIES:
        if name not in existing:
            existing[name] = Category(name=name)
            session.add(existing[name])
    session.flush()
    return existing


def _reviewers(people: list[User]) -> dict[int | None, User]:
    """Who reviews each department's ideas: the first manager of it (CX: the demo manager)."""
    reviewers: dict[int | None, User] = {}
    for person in people:
        if person.role is Role.MANAGER:
            reviewers.setdefault(person.department_id, person)
    cx = next(person for person in people if person.email == CX_REVIEWER)
    reviewers[cx.department_id] = cx
    return reviewers


def _backdate(idea: Idea, days_ago: int) -> datetime:
    when = utcnow() - timedelta(days=days_ago)
    idea.created_at = idea.submitted_at = idea.last_activity_at = idea.updated_at = when
    idea.hot_score = hot_score(idea.vote_count, when)
    return when


def _add_votes(session: Session, idea: Idea, voters: list[User], days_ago: int) -> None:
    """The idea's votes in one statement (cast_vote one by one made the demo slow to load),
    spread over the days since it was posted."""
    if not voters:
        return
    now = utcnow()
    session.execute(
        insert(Vote),
        [
            {
                "idea_id": idea.id,
                "voter_id": voter.id,
                "created_at": now - timedelta(days=days_ago * (1 - number / len(voters))),
            }
            for number, voter in enumerate(voters)
        ],
    )
    idea.vote_count = len(voters)


def _step_times(submitted: datetime, steps: int) -> list[datetime]:
    """When each review step happened: the first answer within days, the rest spread out."""
    now = utcnow()
    span = min((now - submitted) * 0.8, timedelta(days=REVIEW_SPAN_DAYS))
    first = min(timedelta(days=FIRST_ANSWER_DAYS), span / 2)
    times = [
        submitted + first + (span - first) * number / max(steps - 1, 1) for number in range(steps)
    ]
    return [min(moment, now - timedelta(hours=1)) for moment in times]


def _date_review(session: Session, idea: Idea, submitted: datetime) -> None:
    """Date the idea's review events as if the reviewer had answered over the months since."""
    events = list(
        session.scalars(
            select(IdeaEvent.id)
            .where(IdeaEvent.idea_id == idea.id, IdeaEvent.to_status != IdeaStatus.SUBMITTED)
            .order_by(IdeaEvent.id)
        )
    )
    times = _step_times(submitted, len(events))
    for event_id, moment in zip(events, times, strict=True):
        session.execute(update(EVENTS).where(IdeaEvent.id == event_id).values(created_at=moment))
    session.execute(
        update(EVENTS)
        .where(EVENTS.c.idea_id == idea.id, EVENTS.c.to_status == IdeaStatus.SUBMITTED)
        .values(created_at=submitted)
    )
    if times:
        idea.first_response_at = times[0]
        idea.last_activity_at = idea.updated_at = times[-1]
        if idea.decided_at is not None:
            idea.decided_at = times[min(1, len(times) - 1)]


def _change(
    plan: DemoIdea, status: IdeaStatus, ideas: dict[str, Idea], owner: str
) -> TransitionInput:
    impact = None
    if status is IdeaStatus.IMPLEMENTED and plan.measured is not None:
        measured = plan.measured
        impact = ImpactInput(
            measured.what_was_done,
            measured.measure,
            measured.unit,
            Decimal(measured.before),
            Decimal(measured.after),
            utcnow().date() - timedelta(days=max(plan.days_ago // 4, 3)),
        )
    duplicate_of = ideas[plan.extra["duplicate_of"]].id if "duplicate_of" in plan.extra else None
    return TransitionInput(
        status,
        note=plan.extra.get("note", ""),
        duplicate_of_id=duplicate_of,
        owner_email=owner,
        impact=impact,
    )


def _submit(
    session: Session,
    plan: DemoIdea,
    author: User,
    categories: dict[str, Category],
    campaign_id: int,
) -> Idea:
    in_campaign = plan.category == "Wait times" and plan.days_ago <= CAMPAIGN_DAYS
    return submit_idea(
        session,
        author,
        IdeaInput(
            plan.title,
            plan.problem,
            plan.solution,
            plan.impact,
            plan.channel,
            categories[plan.category].id,
            campaign_id=campaign_id if in_campaign else None,
        ),
    )


def load_demo_ideas(session: Session) -> int:
    """Add the demo ideas; returns how many. Needs the demo people."""
    people = list(session.scalars(select(User).order_by(User.id)))
    by_email = {person.email: person for person in people}
    categories = _categories(session)
    reviewers = _reviewers(people)
    admin = by_email[ADMIN]
    today = utcnow().date()
    campaign = create_campaign(
        session,
        admin,
        CampaignInput(
            "How might we cut hold times?",
            "Winter is our busiest season. What would make waiting shorter, or waiting less?",
            today - timedelta(days=CAMPAIGN_DAYS),
            today + timedelta(days=30),
        ),
    )
    ideas: dict[str, Idea] = {}
    for number, plan in enumerate(EARLIER_IDEAS + IDEAS):
        author = by_email[plan.author]
        reviewer = reviewers.get(author.department_id, admin)
        idea = _submit(session, plan, author, categories, campaign.id)
        voters = [person for person in people[number % 7 :] + people if person.id != author.id]
        _add_votes(session, idea, list(dict.fromkeys(voters))[: plan.voters], plan.days_ago)
        submitted = _backdate(idea, plan.days_ago)
        for position, text in enumerate(plan.comments):
            writer = people[(number * 5 + position * 3 + 5) % len(people)]
            add_comment(session, writer, idea.id, text, base_url=DEMO_BASE_URL)
        for status in REVIEW_PATHS[plan.status]:
            change = _change(plan, status, ideas, owner=reviewer.email)
            transition_idea(session, reviewer, idea.id, change, base_url=DEMO_BASE_URL)
        _date_review(session, idea, submitted)
        ideas[plan.title] = idea
    for title, answer in OFFICIAL_ANSWERS.items():
        idea = ideas[title]
        reviewer = reviewers.get(idea.department_id, admin)
        official = add_comment(session, reviewer, idea.id, answer, base_url=DEMO_BASE_URL)
        mark_official_response(session, admin, official.id, base_url=DEMO_BASE_URL)
    session.flush()
    return len(ideas)
