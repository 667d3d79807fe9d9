"""Numbers and dates people type about ideas: bounded, finite, in range, or refused by name."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.core.db import utcnow
from portal.core.errors import DomainError
from portal.ideas.models import Campaign, Idea, IdeaStatus, Impact
from portal.ideas.services.campaigns import CampaignInput, create_campaign
from portal.ideas.services.reviewing import ImpactInput, TransitionInput, transition_idea
from tests.ideas.conftest import BASE_URL
from tests.ideas.test_views import form_for

NOT_IDS = ["²", "\uff11", "1e5", "-0", "9" * 20]


@pytest.mark.parametrize("typed", NOT_IDS)
@pytest.mark.parametrize("name", ["category", "department", "campaign"])
def test_a_feed_filter_that_is_no_id_is_ignored(
    login_as, employee, make_idea, name: str, typed: str
) -> None:
    make_idea(employee, "Visible idea")
    response = login_as(employee).get("/ideas", query_string={name: typed})
    assert response.status_code == 200
    assert "Visible idea" in response.get_data(as_text=True)


@pytest.mark.parametrize("typed", NOT_IDS)
def test_a_campaign_that_is_no_option_is_refused_beside_the_field(
    db, login_as, employee, category, typed: str
) -> None:
    response = login_as(employee).post("/ideas/new", data=form_for(category, campaign=typed))
    html = response.get_data(as_text=True)
    assert 'id="campaign-error">Choose a campaign from the list.' in html
    assert 'value="Show the queue position"' in html
    assert db.scalar(select(func.count()).select_from(Idea)) == 0


def implementing(db, manager, idea, **changes) -> dict[str, str]:
    for status in (IdeaStatus.UNDER_REVIEW, IdeaStatus.APPROVED, IdeaStatus.IN_PROGRESS):
        change = TransitionInput(status, owner_email=manager.email)
        transition_idea(db, manager, idea.id, change, base_url=BASE_URL)
    db.commit()
    data = {
        "status": "implemented",
        "what_was_done": "Added a call-back option",
        "measure": "Average hold time",
        "unit": "seconds",
        "before": "1200",
        "after": "240",
        "measured_on": utcnow().date().isoformat(),
    }
    return data | changes


@pytest.mark.parametrize("typed", ["1e999999", "NaN", "nan", "inf", "-Infinity", "1e12"])
@pytest.mark.parametrize("field", ["before", "after"])
def test_impact_numbers_must_be_finite_and_fit(
    db, login_as, employee, manager, make_idea, field: str, typed: str
) -> None:
    idea = make_idea(employee)
    data = implementing(db, manager, idea, **{field: typed})
    response = login_as(manager).post(f"/ideas/{idea.id}/status", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error">Give a number between -999999999999.99 and 999999999999.99.' in html
    assert f'value="{typed}"' in html
    db.expire_all()
    assert db.get(Idea, idea.id).status is IdeaStatus.IN_PROGRESS
    assert db.scalars(select(Impact)).all() == []


def test_the_largest_impact_numbers_are_stored(db, login_as, employee, manager, make_idea):
    idea = make_idea(employee)
    data = implementing(db, manager, idea, before="999999999999.99", after="-999999999999.99")
    response = login_as(manager).post(f"/ideas/{idea.id}/status", data=data)
    assert response.status_code == 303
    impact = db.scalars(select(Impact)).one()
    assert (impact.before, impact.after) == (
        Decimal("999999999999.99"),
        Decimal("-999999999999.99"),
    )


@pytest.mark.parametrize("typed", ["1999-12-31", "0001-01-01", "9999-12-31"])
def test_a_measurement_date_out_of_range_is_refused(
    db, login_as, employee, manager, make_idea, typed: str
) -> None:
    idea = make_idea(employee)
    data = implementing(db, manager, idea, measured_on=typed)
    html = login_as(manager).post(f"/ideas/{idea.id}/status", data=data).get_data(as_text=True)
    assert 'id="measured_on-error">Give a date from 2000-01-01 to ' in html
    assert f'value="{typed}"' in html
    assert db.scalars(select(Impact)).all() == []


def test_the_service_refuses_a_measurement_too_far_ahead(db, employee, manager, make_idea):
    idea = make_idea(employee)
    implementing(db, manager, idea)
    impact = ImpactInput(
        "Done", "Hold time", "s", Decimal(1), Decimal(2), utcnow().date() + timedelta(days=3700)
    )
    change = TransitionInput(IdeaStatus.IMPLEMENTED, impact=impact)
    with pytest.raises(DomainError, match="Give a date from 2000-01-01") as caught:
        transition_idea(db, manager, idea.id, change, base_url=BASE_URL)
    assert caught.value.field == "measured_on"


@pytest.mark.parametrize("typed", [*NOT_IDS, "0"])
def test_a_duplicate_number_that_is_no_idea_number_is_refused(
    db, login_as, employee, manager, make_idea, typed: str
) -> None:
    idea = make_idea(employee)
    response = login_as(manager).post(
        f"/ideas/{idea.id}/status", data={"status": "duplicate", "duplicate_of": typed}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="duplicate_of-error">Give the original idea&#39;s number, like 42.' in html
    assert f'value="{typed}"' in html
    db.expire_all()
    assert db.get(Idea, idea.id).status is IdeaStatus.SUBMITTED


def test_a_duplicate_number_past_the_last_idea_is_an_unknown_idea(
    db, login_as, employee, manager, make_idea
) -> None:
    idea = make_idea(employee)
    response = login_as(manager).post(
        f"/ideas/{idea.id}/status", data={"status": "duplicate", "duplicate_of": "2147483647"}
    )
    assert "That original idea does not exist." in response.get_data(as_text=True)


@pytest.mark.parametrize(("field", "day"), [("starts_on", date(1999, 1, 1)), ("ends_on", date.max)])
def test_campaign_days_out_of_range_are_refused(db, admin, field: str, day: date) -> None:
    today = utcnow().date()
    data = CampaignInput("How might we cut hold times?", starts_on=today, ends_on=today)
    with pytest.raises(DomainError, match="Give a date from 2000-01-01") as caught:
        create_campaign(db, admin, CampaignInput(**(vars(data) | {field: day})))
    assert caught.value.field == field
    assert db.scalar(select(func.count()).select_from(Campaign)) == 0


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "0001-01-01"}, "insights-from", "Give a date from 2000-01-01 to "),
        ({"to": "2999-01-01"}, "insights-to", "Give a date from 2000-01-01 to "),
        ({"from": "99999-12-31"}, "insights-from", "Not a valid date value."),
    ],
)
def test_insights_refuse_a_period_out_of_range_and_show_the_default(
    login_as, employee, query: dict[str, str], field: str, message: str
) -> None:
    response = login_as(employee).get("/ideas/insights", query_string=query)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error">{message}' in html
    assert f'value="{next(iter(query.values()))}"' in html
    today = utcnow().date()
    assert f"{(today - timedelta(days=89)).isoformat()} to {today.isoformat()}" in html


def test_insights_show_the_period_asked_for(login_as, employee) -> None:
    html = (
        login_as(employee)
        .get("/ideas/insights", query_string={"from": "2026-03-31", "to": "2026-01-01"})
        .get_data(as_text=True)
    )
    assert "2026-01-01 to 2026-03-31" in html
    assert 'id="insights-from" name="from" type="date" value="2026-01-01"' in html
    assert "-error" not in html
