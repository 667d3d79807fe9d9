from __future__ import annotations

from datetime import timedelta

from portal.accounts.models import Role
from portal.core.db import utcnow
from portal.ideas.models import IdeaStatus
from portal.ideas.queries.insights import get_insights
from portal.ideas.services.reviewing import TransitionInput, transition_idea
from portal.ideas.services.voting import cast_vote
from portal.leaderboards.rollups import rebuild_rollups, verify_rollups
from tests.ideas.conftest import BASE_URL


def test_insights_count_ideas_participation_and_timings(db, employee, make_user, make_idea):
    reviewer = make_user(role=Role.MANAGER)
    voter = make_user()
    make_user()  # an employee who took no part
    first = make_idea(employee, "First idea")
    make_idea(employee, "Second idea")
    old = make_idea(employee, "Last year's idea")
    old.submitted_at = utcnow() - timedelta(days=400)
    first.submitted_at = utcnow() - timedelta(days=4)
    db.commit()
    rebuild_rollups(db)  # the dates above were moved by hand, beside the services
    db.commit()
    cast_vote(db, voter, first.id)
    transition_idea(
        db,
        reviewer,
        first.id,
        TransitionInput(IdeaStatus.DECLINED, note="Not now"),
        base_url=BASE_URL,
    )
    db.commit()

    today = utcnow().date()
    insights = get_insights(db, today - timedelta(days=30), today)

    assert insights.submitted == 2
    assert (insights.participants, insights.employees) == (2, 4)
    assert insights.participation == 0.5
    assert insights.implementation_rate == 0
    assert insights.median_days_to_response == 4.0
    assert insights.median_days_to_decision == 4.0
    by_label = {bar.label: bar.value for bar in insights.statuses}
    assert by_label["Submitted"] == 1 and by_label["Declined"] == 1
    assert [(bar.label, bar.value) for bar in insights.channels] == [("Phone", 2)]
    assert [(bar.label, bar.value) for bar in insights.categories] == [("Call handling", 2)]
    assert verify_rollups(db) == []


def test_the_insights_page_draws_bars_with_a_table_in_fixed_statements(
    login_as, employee, make_idea, count_statements
):
    client = login_as(employee)
    make_idea(employee, "One idea")
    with count_statements() as few:
        response = client.get("/ideas/insights")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<ul class="bar-chart">' in html and '<span class="bar-label">Phone</span>' in html
    assert '<th scope="row">Phone</th><td>1</td>' in html
    assert "style=" not in html
    for number in range(20):
        make_idea(employee, f"Another idea {number}")
    with count_statements() as many:
        client.get("/ideas/insights?from=2000-01-01&to=2100-01-01")
    assert few.count == many.count
