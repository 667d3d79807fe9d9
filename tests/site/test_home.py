"""Home: the two main actions, a person's own ideas, nominations and awards, what waits for
reviewers and approvers, the programme for admins, and a fixed number of statements (the
admin overview's too)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.core.db import utcnow
from portal.ideas.models import Idea, IdeaEvent, IdeaStatus
from portal.recognition.models import (
    ApprovalPath,
    ApprovalStep,
    Award,
    AwardTier,
    FlagKind,
    IntegrityFlag,
    Nomination,
    PointsLedgerEntry,
)
from portal.reviews.models import ReviewCycle
from tests.conftest import login

FEW, MANY = 5, 500


def add_ideas(db: Session, author: User, count: int, *, days_ago: int, note: str = "") -> None:
    """`count` submitted ideas by `author`, `days_ago` old; each with a status note if given."""
    when = utcnow() - timedelta(days=days_ago)
    ids = list(
        db.scalars(
            insert(Idea).returning(Idea.id),
            [
                {
                    "title": f"Idea {number} by {author.display_name}",
                    "status": IdeaStatus.SUBMITTED,
                    "author_id": author.id,
                    "department_id": author.department_id,
                    "created_at": when,
                    "submitted_at": when,
                    "last_activity_at": when,
                }
                for number in range(count)
            ],
        )
    )
    if note:
        db.execute(
            insert(IdeaEvent),
            [
                {"idea_id": idea, "actor_id": author.id, "to_status": "submitted", "note": note}
                for idea in ids
            ],
        )
    db.commit()


def add_nominations(
    db: Session, nominator: User, nominee: User, approver: User, count: int, status: str
) -> None:
    """`count` nominations, each for its own award so the live-nomination rule holds, each with
    an approval step for `approver`; approved ones credit points and raise an open flag."""
    cycle = db.query(ReviewCycle).first()
    if cycle is None:
        cycle = ReviewCycle(name="Now", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
        db.add(cycle)
        db.flush()
    first = db.query(Award).count()
    award_ids = list(
        db.scalars(
            insert(Award).returning(Award.id),
            [
                {
                    "name": f"Award {first + number}",
                    "tier": AwardTier.SPOT,
                    "points": 10,
                    "approval_path": ApprovalPath.MANAGER,
                }
                for number in range(count)
            ],
        )
    )
    ids = list(
        db.scalars(
            insert(Nomination).returning(Nomination.id),
            [
                {
                    "nominator_id": nominator.id,
                    "nominee_id": nominee.id,
                    "award_id": award,
                    "cycle_id": cycle.id,
                    "citation": "Stayed on the line until it was fixed.",
                    "status": status,
                    "decided_at": utcnow() if status == "approved" else None,
                }
                for award in award_ids
            ],
        )
    )
    db.execute(
        insert(ApprovalStep),
        [{"nomination_id": nid, "level": 1, "approver_id": approver.id} for nid in ids],
    )
    if status == "approved":
        db.execute(
            insert(PointsLedgerEntry),
            [
                {"user_id": nominee.id, "nomination_id": nid, "award_id": award, "points": 10}
                for nid, award in zip(ids, award_ids, strict=True)
            ],
        )
        db.execute(
            insert(IntegrityFlag),
            [{"nomination_id": nid, "kind": FlagKind.RECIPROCAL, "reason": "Test"} for nid in ids],
        )
    db.commit()


def fill(db: Session, people: dict[str, User], count: int) -> None:
    admin, employee, manager = people["admin"], people["employee"], people["manager"]
    add_ideas(db, admin, count, days_ago=2, note="Thank you, we are looking at it.")
    add_ideas(db, employee, count, days_ago=30)
    add_nominations(db, admin, employee, manager, count, "pending")
    add_nominations(db, employee, admin, manager, count, "approved")


def statements(client, count_statements, url: str = "/") -> int:
    with count_statements() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def home_people(make_user) -> dict[str, User]:
    manager = make_user("manager@example.com", role=Role.MANAGER, name="Morgan Manager")
    return {
        "manager": manager,
        "employee": make_user("employee@example.com", manager=manager, name="Emery Employee"),
        "admin": make_user(
            "admin@example.com", role=Role.ADMIN, name="Avery Admin", department="People"
        ),
    }


def test_home_costs_the_same_with_5_or_500_rows(db, app, make_user, count_statements):
    people = home_people(make_user)
    clients = {role: app.test_client() for role in ("admin", "manager", "employee")}
    for role, client in clients.items():
        assert login(client, people[role].email).status_code == 303
    fill(db, people, FEW)
    few = {role: statements(client, count_statements) for role, client in clients.items()}
    few_overview = statements(clients["admin"], count_statements, "/admin")
    fill(db, people, MANY - FEW)
    many = {role: statements(client, count_statements) for role, client in clients.items()}
    assert few == many
    # The admin overview: the person and the programme summary.
    assert few_overview == statements(clients["admin"], count_statements, "/admin") == 2
    # The person with the layout's facts and counts; their place; their ideas; nominations;
    # awards; then overdue ideas for reviewers and the programme summary for admins.
    assert many == {"employee": 5, "manager": 6, "admin": 7}
    admin_home = clients["admin"].get("/").get_data(as_text=True)
    assert f"All {MANY} of your ideas" in admin_home
    assert "Idea review (99+)" in admin_home
    manager_home = clients["manager"].get("/").get_data(as_text=True)
    assert "Approvals (99+)" in manager_home


def test_a_new_person_sees_the_two_actions_and_empty_states(employee, login_as):
    html = login_as(employee).get("/").get_data(as_text=True)
    assert 'href="/ideas/new">Share an idea</a>' in html
    assert 'href="/recognition/nominate">Recognise someone</a>' in html
    assert "You have not shared an idea yet" in html
    assert "You have not nominated anyone yet" in html
    assert "No awards yet" in html
    assert "Waiting for you" not in html
    assert 'href="/recognition/approvals"' not in html
    assert '<meta name="description" content="Your ideas' in html


def test_home_shows_answers_nominations_and_awards(db, make_user, login_as):
    people = home_people(make_user)
    fill(db, people, 2)
    html = login_as(people["admin"]).get("/").get_data(as_text=True)
    assert "Latest answer:</span> Thank you, we are looking at it." in html
    assert "Waiting for Morgan Manager" in html  # where a sent nomination stands
    assert "Award 3</strong> from Emery Employee" in html  # an award received
    assert "<strong>20</strong> recognition points" in html


def test_reviewers_and_approvers_see_what_waits_for_them(db, make_user, login_as):
    people = home_people(make_user)
    fill(db, people, 2)
    html = login_as(people["manager"]).get("/").get_data(as_text=True)
    assert "Waiting for you" in html
    assert 'href="/ideas/review">Idea review (2)</a>' in html
    assert 'href="/recognition/approvals">Approvals (2)</a>' in html
    assert "2 overdue ideas" in html
    # The navigation carries the same counts.
    assert 'Idea review <span class="count">2</span>' in html
    assert 'Approvals <span class="count">2</span>' in html


def test_admins_see_the_programme_summary(db, make_user, login_as):
    people = home_people(make_user)
    fill(db, people, 2)
    for url in ("/", "/admin"):
        html = login_as(people["admin"]).get(url).get_data(as_text=True)
        assert 'id="programme-summary"' in html
        assert "Participation" in html and "Implementation rate" in html
        assert 'href="/admin/integrity-flags">Open integrity flags</a>' in html
        assert '<strong>2</strong> <span class="muted">nominations held' in html


def test_approvals_are_hidden_from_managers_who_never_approve(make_user, login_as):
    lonely = make_user("lonely@example.com", role=Role.MANAGER, name="Lonely Lead")
    html = login_as(lonely).get("/").get_data(as_text=True)
    assert "Waiting for you" in html and 'href="/ideas/review">Idea review (0)</a>' in html
    assert 'href="/recognition/approvals"' not in html
