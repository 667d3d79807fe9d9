"""The ideas' summary rows: kept equal to a recount by every write, checked and rebuilt by the
command line, and read by the insights page in the same statements at 5 and 500 ideas."""

from __future__ import annotations

from sqlalchemy import text

from portal.accounts.models import Role
from portal.ideas.models import Category, CustomerChannel, IdeaStatus
from portal.ideas.services.comments import add_comment, mark_official_response
from portal.ideas.services.reviewing import TransitionInput, transition_idea
from portal.ideas.services.submitting import update_idea
from portal.ideas.services.voting import cast_vote, withdraw_vote
from portal.leaderboards.rollups import rebuild_rollups, verify_rollups
from tests.ideas.conftest import BASE_URL, complete_input
from tests.ideas.test_statement_counts import bulk_ideas


def move(db, reviewer, idea, status: IdeaStatus, **changes) -> None:
    transition_idea(db, reviewer, idea.id, TransitionInput(status, **changes), base_url=BASE_URL)
    db.commit()


def test_every_write_keeps_the_rollups_equal_to_a_recount(
    db, employee, make_user, make_idea, category
):
    reviewer = make_user(role=Role.MANAGER)
    voters = [make_user() for _ in range(3)]
    other = Category(name="Billing")
    db.add(other)
    db.commit()
    first = make_idea(employee, "First idea")
    second = make_idea(voters[0], "Second idea")
    draft = make_idea(employee, "A draft for later", draft=True)
    assert verify_rollups(db) == []

    for voter in voters:
        cast_vote(db, voter, first.id)
    cast_vote(db, voters[1], second.id)
    withdraw_vote(db, voters[2], first.id)
    db.commit()
    assert verify_rollups(db) == []

    # An edit moves the idea to another category and channel; submitting a draft counts it.
    changed = complete_input(other, "First idea", channel=CustomerChannel.EMAIL)
    update_idea(db, employee, first.id, changed)
    update_idea(db, employee, draft.id, complete_input(category, "A draft for later"), submit=True)
    # Naming a voter co-author drops their vote.
    named = complete_input(category, "Second idea", co_author_emails=(voters[1].email,))
    update_idea(db, voters[0], second.id, named)
    db.commit()
    assert verify_rollups(db) == []

    # An official response is the first response.
    comment = add_comment(db, reviewer, second.id, "We are looking at it.", base_url=BASE_URL)
    mark_official_response(db, reviewer, comment.id, base_url=BASE_URL)
    db.commit()
    assert verify_rollups(db) == []

    move(db, reviewer, first, IdeaStatus.UNDER_REVIEW)
    move(db, reviewer, first, IdeaStatus.DECLINED, note="Not now")
    move(db, reviewer, draft, IdeaStatus.DUPLICATE, duplicate_of_id=second.id)
    assert verify_rollups(db) == []


def test_verify_reports_a_difference_and_rebuild_repairs_it(app, db, employee, make_idea):
    make_idea(employee, "Counted idea")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["rollups", "verify"]).exit_code == 0

    db.execute(text("UPDATE idea_day_counts SET ideas = ideas + 1 WHERE dimension = 'status'"))
    db.execute(text("DELETE FROM person_activity"))
    db.commit()
    found = runner.invoke(args=["verify-rollups"])
    assert found.exit_code != 0
    assert "idea_day_counts" in found.output and "person_activity" in found.output

    rebuilt = runner.invoke(args=["rollups", "rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    checked = runner.invoke(args=["rollups", "verify"])
    assert checked.exit_code == 0 and "matches a full recount" in checked.output


def test_rebuild_counts_what_was_written_beside_the_services(db, employee, make_idea):
    make_idea(employee, "Loaded idea")
    db.execute(text("DELETE FROM idea_day_counts"))
    db.commit()
    assert verify_rollups(db) != []
    rebuild_rollups(db)
    db.commit()
    assert verify_rollups(db) == []


def test_insights_run_the_same_statements_at_5_and_500_ideas(
    db, login_as, employee, category, make_user, make_idea, count_statements
):
    voters = [make_user() for _ in range(5)]
    ideas = [make_idea(employee, f"Idea number {number}") for number in range(5)]
    for voter, idea in zip(voters, ideas, strict=True):
        cast_vote(db, voter, idea.id)
    db.commit()
    client = login_as(employee)
    paths = ["/ideas/insights", "/ideas/insights?from=2000-01-01&to=2001-01-01"]

    def counts() -> list[int]:
        found = []
        for path in paths:
            with count_statements() as counter:
                assert client.get(path).status_code == 200
            found.append(counter.count)
        return found

    few = counts()
    # Written in bulk, a day apart, then summed as `flask rollups rebuild` would.
    bulk_ideas(db, voters[0], category, 495, voters)
    rebuild_rollups(db)
    db.commit()
    assert counts() == few
