"""Demo ideas: a campaign and a dozen realistic ideas across every status, with votes,
comments and a measured impact, all made through the ideas services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.db import utcnow
from portal.demo.review_paths import REVIEW_PATHS
from portal.ideas.models import Category, CustomerChannel, Idea, IdeaStatus, hot_score
from portal.ideas.services.campaigns import CampaignInput, create_campaign
from portal.ideas.services.comments import add_comment, mark_official_response
from portal.ideas.services.reviewing import ImpactInput, TransitionInput, transition_idea
from portal.ideas.services.submitting import IdeaInput, submit_idea
from portal.ideas.services.voting import cast_vote

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
CX_REVIEWER = "manager@example.com"
ADMIN = "admin@example.com"


@dataclass(frozen=True)
class DemoIdea:
    title: str
    problem: str
    solution: str
    impact: str
    channel: CustomerChannel
    category: str
    author: str
    days_ago: int
    status: IdeaStatus = IdeaStatus.SUBMITTED  # reached by the review path to it
    voters: int = 0
    comments: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)


IDEAS = [
    DemoIdea(
        "Offer a call-back instead of holding",
        "At peak times members wait **over 15 minutes** on hold, and many hang up and call again.",
        "When the queue is longer than five minutes, offer to call the member back in turn.",
        "Shorter perceived waits, fewer abandoned calls, calmer conversations.",
        CustomerChannel.PHONE,
        "Wait times",
        "employee@example.com",
        40,
        IdeaStatus.IMPLEMENTED,
        voters=14,
        comments=("This would save my evenings. Members hate waiting.",),
    ),
    DemoIdea(
        "Plain-language claim status messages",
        "Status texts like *pending adjudication* confuse members, who then call to ask.",
        "Rewrite every claim status in plain language, with the next step and a date.",
        "Fewer 'where is my claim?' calls and more trust.",
        CustomerChannel.MOBILE_APP,
        "Claims",
        "colleague@example.com",
        25,
        IdeaStatus.IN_PROGRESS,
        voters=11,
        comments=("Claims would love to help word these.",),
    ),
    DemoIdea(
        "Remember the last agent a member spoke to",
        "Members repeat their story every time they call back about the same issue.",
        "Show the previous agent and notes, and route to that agent when available.",
        "Less repetition, faster resolution on the second call.",
        CustomerChannel.PHONE,
        "Communication",
        "employee@example.com",
        12,
        IdeaStatus.APPROVED,
        voters=9,
    ),
    DemoIdea(
        "Save chat transcripts to the member's inbox",
        "After a chat, members cannot find what the agent told them.",
        "Offer to send the transcript to the secure inbox at the end of each chat.",
        "Members keep the answer and do not need to ask again.",
        CustomerChannel.CHAT,
        "Digital experience",
        "colleague@example.com",
        9,
        IdeaStatus.UNDER_REVIEW,
        voters=6,
        comments=("Would this include attachments?", "Good question, it should."),
    ),
    DemoIdea(
        "Due-date reminders by text message",
        "Members miss payment dates and are surprised by late fees.",
        "Send an optional text three days before each due date.",
        "Fewer late fees, fewer angry calls.",
        CustomerChannel.SELF_SERVICE,
        "Billing and payments",
        "employee@example.com",
        10,
        voters=7,
    ),
    DemoIdea(
        "Welcome call in the first week",
        "New members do not know which services they can use.",
        "A short welcome call from the team in the first week, at a time they choose.",
        "Members use more of what they pay for and feel looked after.",
        CustomerChannel.PHONE,
        "Onboarding",
        "colleague@example.com",
        3,
        voters=3,
    ),
    DemoIdea(
        "Show the queue position while waiting",
        "Callers have no idea how long they will wait.",
        "Announce the position in the queue every minute.",
        "Fewer hang-ups; waiting feels fairer.",
        CustomerChannel.PHONE,
        "Wait times",
        "employee@example.com",
        2,
        voters=2,
    ),
    DemoIdea(
        "Ask for a call back when the line is busy",
        "Waiting on hold wastes members' time.",
        "Let members leave their number and be called back.",
        "Members do not have to hold.",
        CustomerChannel.PHONE,
        "Wait times",
        "colleague@example.com",
        6,
        IdeaStatus.DUPLICATE,
        voters=4,
        extra={"duplicate_of": "Offer a call-back instead of holding"},
    ),
    DemoIdea(
        "Fax forms for claims",
        "Some older members do not use the app.",
        "Accept claim forms by fax.",
        "Older members can claim without the app.",
        CustomerChannel.IN_PERSON,
        "Claims",
        "employee@example.com",
        20,
        IdeaStatus.DECLINED,
        voters=1,
        extra={"note": "Post and phone claims already cover this, and fax is being retired."},
    ),
    DemoIdea(
        "Let members choose how we contact them",
        "Some members prefer email, others text, others a call, and we guess.",
        "A contact-preference setting honoured by every team.",
        "Messages arrive the way members read them.",
        CustomerChannel.WEBSITE,
        "Communication",
        "colleague@example.com",
        8,
        voters=5,
    ),
    DemoIdea(
        "Photo upload for damage claims in the app",
        "Members must email photos separately, which delays claims.",
        "Add photo upload to the claim form in the mobile app.",
        "Faster claims and fewer lost attachments.",
        CustomerChannel.MOBILE_APP,
        "Claims",
        "employee@example.com",
        15,
        IdeaStatus.IN_PROGRESS,
        voters=8,
    ),
    DemoIdea(
        "Answer social media questions within an hour",
        "Public questions on social media sit for a day and others see the silence.",
        "A rota so someone answers every public question within an hour on workdays.",
        "Members see we listen; small issues stay small.",
        CustomerChannel.SOCIAL_MEDIA,
        "Communication",
        "colleague@example.com",
        1,
    ),
]


def _categories(session: Session) -> dict[str, Category]:
    existing = {category.name: category for category in session.scalars(select(Category))}
    for name in CATEGORIES:
        if name not in existing:
            existing[name] = Category(name=name)
            session.add(existing[name])
    session.flush()
    return existing


def _backdate(idea: Idea, days_ago: int) -> None:
    when = utcnow() - timedelta(days=days_ago)
    idea.created_at = idea.submitted_at = idea.last_activity_at = when
    idea.hot_score = hot_score(idea.vote_count, when)


def _change(plan: DemoIdea, status: IdeaStatus, ideas: dict[str, Idea], owner: str):
    impact = None
    if status is IdeaStatus.IMPLEMENTED:
        impact = ImpactInput(
            "Added a call-back option to the phone menu when the wait passes five minutes.",
            "Abandoned calls",
            "% of calls",
            Decimal("18.5"),
            Decimal("7.2"),
            date.today() - timedelta(days=3),
        )
    duplicate_of = ideas[plan.extra["duplicate_of"]].id if "duplicate_of" in plan.extra else None
    return TransitionInput(
        status,
        note=plan.extra.get("note", ""),
        duplicate_of_id=duplicate_of,
        owner_email=owner,
        impact=impact,
    )


def load_demo_ideas(session: Session) -> int:
    """Add the demo ideas; returns how many. Needs the demo people."""
    people = list(session.scalars(select(User).order_by(User.id)))
    by_email = {person.email: person for person in people}
    categories = _categories(session)
    reviewer, admin = by_email[CX_REVIEWER], by_email[ADMIN]
    voters = people
    today = utcnow().date()
    campaign = create_campaign(
        session,
        admin,
        CampaignInput(
            "How might we cut hold times?",
            "Winter is our busiest season. What would make waiting shorter, or waiting less?",
            today - timedelta(days=45),
            today + timedelta(days=30),
        ),
    )
    ideas: dict[str, Idea] = {}
    for plan in IDEAS:
        author = by_email[plan.author]
        idea = submit_idea(
            session,
            author,
            IdeaInput(
                plan.title,
                plan.problem,
                plan.solution,
                plan.impact,
                plan.channel,
                categories[plan.category].id,
                campaign_id=campaign.id if plan.category == "Wait times" else None,
            ),
        )
        _backdate(idea, plan.days_ago)
        for voter in [person for person in voters if person.id != author.id][: plan.voters]:
            cast_vote(session, voter, idea.id)
        for number, text in enumerate(plan.comments):
            writer = voters[(number * 3 + 5) % len(voters)]
            add_comment(session, writer, idea.id, text, base_url=DEMO_BASE_URL)
        for status in REVIEW_PATHS[plan.status]:
            change = _change(plan, status, ideas, owner=reviewer.email)
            transition_idea(session, reviewer, idea.id, change, base_url=DEMO_BASE_URL)
        ideas[plan.title] = idea
    official = add_comment(
        session,
        reviewer,
        ideas["Plain-language claim status messages"].id,
        "Thank you! We are rewriting the first ten statuses with the Claims team this month.",
        base_url=DEMO_BASE_URL,
    )
    mark_official_response(session, admin, official.id, base_url=DEMO_BASE_URL)
    return len(ideas)
