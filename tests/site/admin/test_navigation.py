"""The admin area's navigation: every admin page marks its section, sub-pages included."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from portal.accounts.models import User
from portal.core.jobs import Job
from portal.ideas.models import Campaign
from portal.recognition.models import ApprovalPath, Award, AwardTier
from portal.site.admin.navigation import SECTION_OF, SECTIONS

SignIn = Callable[[User], FlaskClient]
ADMIN_NAV = re.compile(r'<nav aria-label="Admin" class="sub-nav">(.*?)</nav>', re.S)
MARKED = re.compile(r'<a href="([^"]*)" aria-current="page">([^<]*)</a>')


def admin_area_rules(app: Flask) -> list[Rule]:
    """Every route under /admin but the overview, which lists the sections instead."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/admin") and rule.endpoint != "admin.index"
    ]


@pytest.fixture
def examples(db: Session, admin: User) -> dict[str, int]:
    """An id for each URL argument of an admin page."""
    award = Award(
        name="Navigation award",
        description="For the test.",
        tier=AwardTier.SPOT,
        points=10,
        approval_path=ApprovalPath.MANAGER,
    )
    campaign = Campaign(
        question="Navigation campaign?",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        created_by_id=admin.id,
    )
    job = Job(kind="close_cycle", target_id=1, total=1)
    db.add_all([award, campaign, job])
    db.commit()
    return {"user_id": admin.id, "award_id": award.id, "campaign_id": campaign.id, "job_id": job.id}


def marked_sections(body: str) -> list[str] | None:
    """The titles of the admin navigation's links marked current; None without one."""
    navigation = ADMIN_NAV.search(body)
    if navigation is None:
        return None
    return [title for _href, title in MARKED.findall(navigation.group(1))]


def test_every_admin_route_belongs_to_one_section(app: Flask) -> None:
    rules = admin_area_rules(app)
    assert rules
    for rule in rules:
        assert rule.endpoint in SECTION_OF, f"{rule.endpoint} is in no admin section"


def test_every_admin_page_marks_exactly_its_section(
    app: Flask, login_as: SignIn, admin: User, examples: dict[str, int]
) -> None:
    client = login_as(admin)
    checked = set()
    for rule in admin_area_rules(app):
        if "GET" not in (rule.methods or ()):
            continue
        missing = rule.arguments - examples.keys()
        assert not missing, f"add an example id for {missing} of {rule.endpoint}"
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **{name: examples[name] for name in rule.arguments})
        response = client.get(url)
        assert response.status_code == 200, url
        if response.mimetype != "text/html":  # a download, such as the leaderboard's CSV
            continue
        assert marked_sections(response.get_data(as_text=True)) == [
            SECTION_OF[rule.endpoint].title
        ], url
        checked.add(rule.endpoint)
    assert {"admin.users", "admin.edit_user", "admin.identity", "admin.audit"} <= checked


def test_a_page_drawn_again_after_a_post_still_marks_its_section(
    login_as: SignIn, admin: User
) -> None:
    body = login_as(admin).post("/admin/users/new", data={}).get_data(as_text=True)
    assert marked_sections(body) == ["People"]


def test_the_overview_lists_every_section_and_the_main_navigation_leads_there(
    login_as: SignIn, admin: User
) -> None:
    client = login_as(admin)
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'<a href="/admin"\s*>Admin</a>', home)
    body = client.get("/admin").get_data(as_text=True)
    assert re.search(r'<a href="/admin"\s*aria-current="page">Admin</a>', body)
    for section in SECTIONS:
        assert f">{section.title}</a><span>{section.summary}</span>" in body
    assert 'aria-label="Admin" class="sub-nav"' not in body
