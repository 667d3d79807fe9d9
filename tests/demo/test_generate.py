"""The large demo data generator (flask demo generate), at a small size, on the test database."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.core.markdown import render_markdown
from portal.demo.organisation import DEMO_PASSWORD
from portal.ideas.models import (
    VOTABLE_STATUSES,
    Comment,
    Follow,
    Idea,
    IdeaEvent,
    IdeaStatus,
    Impact,
    Vote,
    hot_score,
)
from portal.ideas.rollups.models import IdeaDayCount
from portal.ideas.search import matches_search
from portal.leaderboards.rollups import verify_rollups
from portal.recognition.models import (
    ApprovalStep,
    Award,
    Nomination,
    NominationEvent,
    NominationStatus,
    PointsLedgerEntry,
)
from portal.recognition.routing import route_nomination
from tests.conftest import UserFactory, login

SIZES = {"employees": 40, "ideas": 150, "votes": 900, "comments": 120, "nominations": 80}
DECIDED = {IdeaStatus.APPROVED, IdeaStatus.IN_PROGRESS, IdeaStatus.IMPLEMENTED}
DECIDED |= {IdeaStatus.DECLINED, IdeaStatus.DUPLICATE}


def run_generate(app: Flask, *extra: str, **sizes: int) -> Result:
    """Like `flask demo generate`, whose group pushes an app context for every command."""
    options = [f"--{name}={value}" for name, value in (SIZES | sizes).items()]
    with app.app_context():
        return app.test_cli_runner().invoke(args=["demo", "generate", *options, *extra])


@pytest.fixture
def generated(app: Flask, db: Session) -> Result:
    result = run_generate(app)
    assert result.exit_code == 0, result.output
    return result


def test_the_requested_amounts_are_loaded(generated: Result, db: Session) -> None:
    assert db.scalar(select(func.count()).select_from(User)) == SIZES["employees"] + 5
    assert db.scalar(select(func.count()).select_from(Idea)) == SIZES["ideas"]
    assert db.scalar(select(func.count()).select_from(Vote)) == SIZES["votes"]
    assert db.scalar(select(func.count()).select_from(Comment)) == SIZES["comments"]
    assert db.scalar(select(func.count()).select_from(Nomination)) == SIZES["nominations"]
    assert "Votes" in generated.output  # a progress bar per phase


def test_counters_equal_the_rows_they_count(generated: Result, db: Session) -> None:
    votes = Counter(db.scalars(select(Vote.idea_id)))
    comments = Counter(db.scalars(select(Comment.idea_id)))
    for idea in db.scalars(select(Idea)):
        assert idea.vote_count == votes[idea.id]
        assert idea.comment_count == comments[idea.id]


def test_the_rollups_equal_a_recount_of_the_generated_rows(generated: Result, db: Session) -> None:
    assert verify_rollups(db) == []
    assert db.scalar(select(func.count()).select_from(IdeaDayCount)) > 0


def test_comments_store_the_html_the_services_would(generated: Result, db: Session) -> None:
    for body, html in db.execute(select(Comment.body, Comment.body_html)):
        assert html == str(render_markdown(body))


def test_hot_score_is_the_apps_formula(generated: Result, db: Session) -> None:
    for idea in db.scalars(select(Idea)):
        if idea.status is IdeaStatus.DRAFT:
            assert idea.hot_score == 0.0
        else:
            assert idea.hot_score == hot_score(idea.vote_count, idea.submitted_at)


def test_votes_follow_the_voting_rules(generated: Result, db: Session) -> None:
    rows = db.execute(
        select(Vote.voter_id, Vote.created_at, Idea.author_id, Idea.status, Idea.submitted_at).join(
            Idea, Idea.id == Vote.idea_id
        )
    ).all()
    assert rows
    for voter_id, created_at, author_id, status, submitted_at in rows:
        assert voter_id != author_id
        assert status not in {IdeaStatus.DRAFT, IdeaStatus.DUPLICATE}
        assert created_at >= submitted_at
    counts = sorted(db.scalars(select(Idea.vote_count)), reverse=True)
    assert counts[0] > 5 * max(counts[len(counts) // 2], 1)  # skewed towards popular ideas


def test_votes_on_closed_ideas_were_cast_while_open(generated: Result, db: Session) -> None:
    closed_at = dict(
        db.execute(
            select(IdeaEvent.idea_id, func.min(IdeaEvent.created_at))
            .where(IdeaEvent.to_status.not_in(VOTABLE_STATUSES))
            .group_by(IdeaEvent.idea_id)
        ).all()
    )
    for idea_id, created_at in db.execute(select(Vote.idea_id, Vote.created_at)):
        if idea_id in closed_at:
            assert created_at <= closed_at[idea_id]


def test_statuses_agree_with_timelines(generated: Result, db: Session) -> None:
    events = defaultdict(list)
    for event in db.scalars(select(IdeaEvent).order_by(IdeaEvent.idea_id, IdeaEvent.id)):
        events[event.idea_id].append(event)
    ideas = list(db.scalars(select(Idea)))
    assert {idea.status for idea in ideas} == set(IdeaStatus)
    for idea in ideas:
        timeline = events[idea.id]
        if idea.status is IdeaStatus.DRAFT:
            assert timeline == [] and idea.submitted_at is None
            continue
        first = timeline[0]
        assert (first.from_status, first.to_status) == (IdeaStatus.DRAFT, IdeaStatus.SUBMITTED)
        assert first.actor_id == idea.author_id and first.created_at == idea.submitted_at
        assert timeline[-1].to_status is idea.status
        for before, after in itertools.pairwise(timeline):
            assert after.from_status is before.to_status
            assert after.created_at >= before.created_at
        responses = [event.created_at for event in timeline[1:]]
        assert idea.first_response_at == (responses[0] if responses else None)
        assert (idea.decided_at is not None) == (idea.status in DECIDED)
        assert (idea.duplicate_of_id is not None) == (idea.status is IdeaStatus.DUPLICATE)
        assert (idea.owner_id is not None) == (
            idea.status in {IdeaStatus.APPROVED, IdeaStatus.IN_PROGRESS, IdeaStatus.IMPLEMENTED}
        )
    implemented = sum(idea.status is IdeaStatus.IMPLEMENTED for idea in ideas)
    assert db.scalar(select(func.count()).select_from(Impact)) == implemented


def test_reviewers_manage_the_ideas_department(generated: Result, db: Session) -> None:
    rows = db.execute(
        select(User.role, User.department_id, Idea.department_id)
        .join(IdeaEvent, IdeaEvent.actor_id == User.id)
        .join(Idea, Idea.id == IdeaEvent.idea_id)
        .where(IdeaEvent.from_status != IdeaStatus.DRAFT)
    ).all()
    for role, reviewer_department, idea_department in rows:
        assert role is Role.ADMIN or (
            role is Role.MANAGER and reviewer_department == idea_department
        )


def test_authors_voters_and_commenters_follow(generated: Result, db: Session) -> None:
    follows = set(db.execute(select(Follow.idea_id, Follow.user_id)).all())
    assert set(db.execute(select(Vote.idea_id, Vote.voter_id)).all()) <= follows
    assert set(db.execute(select(Comment.idea_id, Comment.author_id)).all()) <= follows
    submitted = select(Idea.id, Idea.author_id).where(Idea.status != IdeaStatus.DRAFT)
    assert set(db.execute(submitted).all()) <= follows


def test_search_finds_generated_ideas(generated: Result, db: Session) -> None:
    idea = db.scalars(select(Idea).order_by(Idea.id).limit(1)).one()
    word = idea.title.split()[0]
    found = db.scalars(select(Idea.id).where(matches_search(db, word))).all()
    assert idea.id in found


def test_nominations_follow_the_recognition_rules(generated: Result, db: Session) -> None:
    managers = dict(db.execute(select(User.id, User.manager_id)).all())
    nominations = list(db.scalars(select(Nomination)))
    statuses = {nomination.status for nomination in nominations}
    assert NominationStatus.APPROVED in statuses and NominationStatus.PENDING in statuses
    keys = [(n.nominator_id, n.nominee_id, n.award_id, n.cycle_id) for n in nominations]
    assert len(keys) == len(set(keys))
    first_approvers = dict(
        db.execute(
            select(ApprovalStep.nomination_id, ApprovalStep.approver_id).where(
                ApprovalStep.level == 1
            )
        ).all()
    )
    for nomination in nominations:
        assert nomination.nominator_id != nomination.nominee_id
        manager = managers[nomination.nominee_id]
        if manager is not None and manager != nomination.nominator_id:
            assert first_approvers[nomination.id] == manager
    last_events = dict(
        db.execute(
            select(NominationEvent.nomination_id, NominationEvent.to_status).order_by(
                NominationEvent.id
            )
        ).all()
    )
    for nomination in nominations:
        assert last_events[nomination.id] == nomination.status.value


def test_waiting_nominations_wait_for_whom_routing_names(generated: Result, db: Session) -> None:
    """The steps still to decide are those recognition's routing gives, after the approvals
    recorded so far, levels and routes alike."""
    steps = defaultdict(list)
    for step in db.scalars(select(ApprovalStep).order_by(ApprovalStep.approver_id)):
        steps[step.nomination_id].append(step)
    approvals = defaultdict(list)
    for event in db.scalars(
        select(NominationEvent)
        .where(NominationEvent.action == "approved_level")
        .order_by(NominationEvent.id)
    ):
        approvals[event.nomination_id].append(event.actor_id)
    pending = list(
        db.scalars(select(Nomination).where(Nomination.status == NominationStatus.PENDING))
    )
    assert pending
    for nomination in pending:
        award = db.get(Award, nomination.award_id)
        passed = nomination.current_level - 1
        routed = route_nomination(
            db,
            award,
            nomination.nominator_id,
            nomination.nominee_id,
            passed=passed,
            decided_by=approvals[nomination.id],
        )
        levels = defaultdict(list)
        for step in steps[nomination.id]:
            levels[step.level].append(step)
        stored = [
            (sorted(step.approver_id for step in levels[level]), levels[level][0].route)
            for level in sorted(levels)
        ][passed:]
        assert stored == [(sorted(level.approver_ids), level.route) for level in routed]


def test_points_ledger_matches_approved_awards(generated: Result, db: Session) -> None:
    approved = db.execute(
        select(Nomination.nominee_id, func.sum(Award.points))
        .join(Award, Award.id == Nomination.award_id)
        .where(Nomination.status == NominationStatus.APPROVED)
        .group_by(Nomination.nominee_id)
    ).all()
    ledger = db.execute(
        select(PointsLedgerEntry.user_id, func.sum(PointsLedgerEntry.points)).group_by(
            PointsLedgerEntry.user_id
        )
    ).all()
    assert approved and sorted(approved) == sorted(ledger)


def test_generated_people_sign_in_with_the_demo_password(generated: Result, client) -> None:
    response = login(client, "employee1@example.com", DEMO_PASSWORD)
    assert response.status_code == 303


def test_demo_accounts_keep_their_roles_and_managers(generated: Result, db: Session) -> None:
    people = {user.email: user for user in db.scalars(select(User))}
    assert people["admin@example.com"].role is Role.ADMIN
    assert people["director@example.com"].role is Role.MANAGER
    assert people["manager@example.com"].manager_id == people["director@example.com"].id
    for email in ("employee@example.com", "colleague@example.com"):
        assert people[email].role is Role.EMPLOYEE
        assert people[email].manager_id == people["manager@example.com"].id
    teams = Counter(user.manager_id for user in people.values() if user.role is Role.EMPLOYEE)
    assert 3 <= sum(teams.values()) / len(teams) <= 9
    without_manager = {user.email for user in people.values() if user.manager_id is None}
    assert without_manager == {"employee1@example.com", "admin@example.com"}


def test_a_database_with_people_is_left_alone(
    app: Flask, make_user: UserFactory, db: Session
) -> None:
    make_user("someone@example.com")
    result = run_generate(app)
    assert result.exit_code != 0 and "--reset" in result.output
    assert db.scalar(select(func.count()).select_from(User)) == 1


def test_reset_replaces_everything_with_the_same_data(generated: Result, app: Flask, db) -> None:
    def fingerprint() -> list:
        return db.execute(
            select(Idea.id, Idea.title, Idea.status, Idea.vote_count).order_by(Idea.id)
        ).all()

    before = fingerprint()
    db.rollback()
    result = run_generate(app, "--reset")
    assert result.exit_code == 0, result.output
    assert fingerprint() == before


def test_the_app_keeps_adding_rows_after_a_load(generated: Result, make_user) -> None:
    person = make_user("newcomer@example.com")
    assert person.id > SIZES["employees"] + 5
