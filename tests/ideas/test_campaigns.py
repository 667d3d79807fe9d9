from __future__ import annotations

from datetime import timedelta

import pytest

from portal.core.db import utcnow
from portal.core.errors import DomainError, Forbidden
from portal.ideas.models import Campaign
from portal.ideas.services.campaigns import CampaignInput, create_campaign
from portal.ideas.services.submitting import submit_idea
from portal.ideas.services.voting import cast_vote
from tests.ideas.conftest import complete_input


def campaign_input(**changes) -> CampaignInput:
    today = utcnow().date()
    values = {
        "question": "How might we cut hold times?",
        "description": "Ideas for the winter peak.",
        "starts_on": today - timedelta(days=1),
        "ends_on": today + timedelta(days=30),
    }
    return CampaignInput(**(values | changes))


@pytest.fixture
def campaign(db, admin) -> Campaign:
    created = create_campaign(db, admin, campaign_input())
    db.commit()
    return created


def test_only_admins_run_campaigns(db, manager):
    with pytest.raises(Forbidden):
        create_campaign(db, manager, campaign_input())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"question": "Why?"}, "question"),
        ({"starts_on": None}, "starts_on"),
        ({"ends_on": utcnow().date() - timedelta(days=5)}, "ends_on"),
        ({"department_id": 99999}, "department"),
    ],
)
def test_a_campaign_needs_a_question_and_sensible_dates(db, admin, changes, field):
    with pytest.raises(DomainError) as caught:
        create_campaign(db, admin, campaign_input(**changes))
    assert caught.value.field == field


def test_ideas_join_only_open_campaigns_in_scope(db, admin, employee, make_user, category):
    closed = create_campaign(
        db,
        admin,
        campaign_input(
            starts_on=utcnow().date() - timedelta(days=30),
            ends_on=utcnow().date() - timedelta(days=1),
        ),
    )
    claims = make_user(department="Claims")
    scoped = create_campaign(db, admin, campaign_input(department_id=claims.department_id))
    for campaign_id in (closed.id, scoped.id):
        with pytest.raises(DomainError) as caught:
            submit_idea(db, employee, complete_input(category, campaign_id=campaign_id))
        assert caught.value.field == "campaign"


def test_the_campaign_page_shows_its_ideas_and_numbers(
    db, login_as, employee, make_user, category, campaign
):
    idea = submit_idea(db, employee, complete_input(category, campaign_id=campaign.id))
    submit_idea(db, employee, complete_input(category, "An idea outside the campaign"))
    voter = make_user()
    cast_vote(db, voter, idea.id)
    db.commit()
    client = login_as(voter)
    html = client.get(f"/ideas/campaigns/{campaign.id}").get_data(as_text=True)
    assert "How might we cut hold times?" in html
    assert idea.title in html
    assert "An idea outside the campaign" not in html
    assert "<dt>Ideas</dt><dd>1</dd>" in html
    assert "<dt>People taking part</dt><dd>2</dd>" in html
    feed = client.get(f"/ideas?campaign={campaign.id}").get_data(as_text=True)
    assert idea.title in feed and "An idea outside the campaign" not in feed


def test_admins_create_campaigns_from_the_form(db, login_as, admin):
    today = utcnow().date()
    client = login_as(admin)
    response = client.post(
        "/admin/campaigns/new",
        data={
            "question": "How might we cut hold times?",
            "starts_on": today.isoformat(),
            "ends_on": (today - timedelta(days=1)).isoformat(),
            "department": "",
        },
    )
    assert response.status_code == 200
    assert "cannot end before it starts" in response.get_data(as_text=True)
    response = client.post(
        "/admin/campaigns/new",
        data={
            "question": "How might we cut hold times?",
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
            "department": "",
        },
    )
    assert response.status_code == 303
    assert "How might we cut hold times?" in client.get("/ideas/campaigns").get_data(as_text=True)
