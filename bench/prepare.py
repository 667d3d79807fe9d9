"""Add what the benchmark needs on top of a dataset and print the targets as JSON.

Run inside the app (PORTAL_DATABASE_URL names the database): 100 voters for the load test,
committee nominations waiting for two approvers at once, and the ids of the pages to measure.
"""

from __future__ import annotations

import itertools
import json
import sys
from datetime import date, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from portal import create_app
from portal.accounts.models import Role, User
from portal.accounts.passwords import hash_password
from portal.core.db import get_database
from portal.demo.organisation import DEMO_PASSWORD
from portal.ideas.models import VOTABLE_STATUSES, Campaign, Idea
from portal.recognition.models import ApprovalPath, ApprovalStep, Award, NominationStatus
from portal.recognition.services.deciding import Decision, decide_nomination
from portal.recognition.services.nominating import NominationRequest, nominate
from portal.recognition.services.state import AlreadyDecided
from portal.reviews.queries import get_open_cycle

VOTERS = 100
RACED_NOMINATIONS = 20
# Enough for the timed nomination decisions (bench/run.py: warm-up and timed requests).
DECIDED_NOMINATIONS = 80
MANAGER = "manager@example.com"
COMMITTEE = ("director@example.com", "admin@example.com")
BASE_URL = "http://127.0.0.1"


def voter_email(number: int) -> str:
    return f"bench.voter{number}@example.com"


def add_voters(session: Session) -> list[str]:
    emails = [voter_email(number) for number in range(1, VOTERS + 1)]
    department_id = session.scalar(select(User.department_id).where(User.email == COMMITTEE[0]))
    password_hash = hash_password(DEMO_PASSWORD)
    session.add_all(
        User(
            email=email,
            display_name=f"Bench Voter {number}",
            job_title="Load tester",
            department_id=department_id,
            password_hash=password_hash,
            role=Role.EMPLOYEE,
        )
        for number, email in enumerate(emails, start=1)
    )
    session.flush()
    return emails


def by_email(session: Session, email: str) -> User:
    return session.scalars(select(User).where(User.email == email)).one()


def raced_nominations(
    session: Session, count: int = RACED_NOMINATIONS, skip: int = 0
) -> list[dict[str, int]]:
    """Committee nominations approved at level one, now waiting for both committee members.

    Nominators and nominees are consecutive employees after the first `skip` of them.
    """
    award = session.scalars(
        select(Award).where(Award.approval_path == ApprovalPath.COMMITTEE).order_by(Award.id)
    ).first()
    people = list(
        session.scalars(
            select(User)
            .where(
                User.role == Role.EMPLOYEE,
                User.active.is_(True),
                User.manager_id.is_not(None),
                User.email.not_like("bench.%"),
            )
            .order_by(User.id)
            .offset(skip)
            .limit(count + 1)
        )
    )
    raced = []
    for nominator, nominee in itertools.pairwise(people):
        (nomination,) = nominate(
            session,
            nominator,
            NominationRequest(nominee.email, award.id, ["empathy"], "Stayed calm for a member."),
            get_open_cycle(session),
            monthly_limit=1000,
            base_url=BASE_URL,
        )
        level_one = session.get(User, _first_approver(session, nomination.id))
        try:
            with session.begin_nested():
                decide_nomination(
                    session,
                    level_one,
                    nomination.id,
                    Decision.APPROVE,
                    version=nomination.version,
                    base_url=BASE_URL,
                )
        except AlreadyDecided:
            continue  # the first step's approver could not decide it: leave it out
        session.refresh(nomination)
        if nomination.status is NominationStatus.PENDING and nomination.current_level == 2:
            raced.append({"id": nomination.id, "version": nomination.version})
    return raced


def _first_approver(session: Session, nomination_id: int) -> int:
    return session.scalars(
        select(ApprovalStep.approver_id)
        .where(ApprovalStep.nomination_id == nomination_id, ApprovalStep.level == 1)
        .order_by(ApprovalStep.id)
    ).first()


def a_campaign(session: Session) -> int:
    """The first campaign; the generator makes none, so one is added with 500 recent ideas."""
    existing = session.scalar(select(func.min(Campaign.id)))
    if existing is not None:
        return existing
    today = date.today()
    campaign = Campaign(
        question="How could members reach us faster?",
        starts_on=today - timedelta(days=365),
        ends_on=today + timedelta(days=30),
        created_by_id=by_email(session, "admin@example.com").id,
    )
    session.add(campaign)
    session.flush()
    recent = select(Idea.id).order_by(Idea.id.desc()).limit(500).scalar_subquery()
    session.execute(update(Idea).where(Idea.id.in_(recent)).values(campaign_id=campaign.id))
    return campaign.id


def popular_votable_ideas(session: Session, count: int) -> list[int]:
    return list(
        session.scalars(
            select(Idea.id)
            .where(Idea.status.in_(VOTABLE_STATUSES))
            .order_by(Idea.vote_count.desc(), Idea.id.desc())
            .limit(count)
        )
    )


# The comment benchmark writes on an idea of typical reach: a comment tells every follower,
# and the most voted idea has thousands (the README gives that case apart).
TYPICAL_RANK = 1000


def typical_idea(session: Session) -> int:
    return (
        session.scalar(
            select(Idea.id)
            .where(Idea.status.in_(VOTABLE_STATUSES))
            .order_by(Idea.vote_count.desc(), Idea.id.desc())
            .offset(TYPICAL_RANK)
            .limit(1)
        )
        or popular_votable_ideas(session, 1)[0]
    )


def prepare(session: Session) -> dict[str, object]:
    voters = add_voters(session)
    raced = raced_nominations(session)
    to_decide = raced_nominations(session, DECIDED_NOMINATIONS, skip=RACED_NOMINATIONS + 1)
    cycle = get_open_cycle(session)
    ideas = popular_votable_ideas(session, 10)
    nominee = session.scalar(
        select(User.id).where(User.email.not_like("bench.%")).order_by(User.id).offset(2)
    )
    title = session.scalar(select(Idea.title).order_by(Idea.id).limit(1))
    word = max(title.split(), key=len)
    return {
        "voters": voters,
        "load_ideas": ideas,
        "idea_id": ideas[0],
        "comment_idea_id": typical_idea(session),
        "search": word,
        "cycle_id": cycle.id,
        "packet_user_id": nominee,
        "raced": raced,
        "to_decide": to_decide,
        "campaign_id": a_campaign(session),
        "manager": MANAGER,
        "approvers": list(COMMITTEE),
        "ideas": session.scalar(select(func.count()).select_from(Idea)),
    }


def main() -> None:
    app = create_app()
    with app.app_context(), get_database(app).session_scope() as session:
        targets = prepare(session)
    json.dump(targets, sys.stdout)


if __name__ == "__main__":
    main()
