"""The review form: every group present without JavaScript, each marked with the status it
serves; the owner defaults to the reviewer and is typed ahead from people."""

from __future__ import annotations

import re

from portal.accounts.models import Role
from portal.ideas.models import IdeaStatus


def test_every_group_shows_without_javascript_marked_with_its_status(
    login_as, employee, manager, make_idea
):
    idea = make_idea(employee)
    html = login_as(manager).get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "data-review-form" in html
    for status, label in [
        ("duplicate", "Original idea number"),
        ("approved", "Owner&#39;s email"),
        ("implemented", "What was done"),
    ]:
        group = re.search(rf'data-for-status="{status}">(.*?)</(div|fieldset)>\s*<', html, re.S)
        assert group and label in group.group(1), status
    assert " hidden" not in re.search(r"<form[^>]*data-review-form.*?</form>", html, re.S).group(0)
    owner = re.search(r'<input[^>]*id="owner"[^>]*>', html).group(0)
    assert 'value="manager@example.com"' in owner and 'list="owner-people"' in owner


def test_approving_with_the_default_owner(login_as, db, employee, manager, make_idea):
    idea = make_idea(employee)
    client = login_as(manager)
    client.post(f"/ideas/{idea.id}/status", data={"status": "under_review"})
    data = {"status": "approved", "note": "", "owner": "manager@example.com"}
    assert client.post(f"/ideas/{idea.id}/status", data=data).status_code == 303
    db.refresh(idea)
    assert idea.status is IdeaStatus.APPROVED and idea.owner_id == manager.id


def test_a_refused_change_shows_a_summary_linking_to_the_field(
    login_as, employee, manager, make_idea
):
    idea = make_idea(employee)
    client = login_as(manager)
    client.post(f"/ideas/{idea.id}/status", data={"status": "under_review"})
    response = client.post(
        f"/ideas/{idea.id}/status", data={"status": "approved", "owner": "nobody@example.com"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#owner">No colleague has that email.</a>' in html
    assert 'value="nobody@example.com"' in html


def test_owner_type_ahead_finds_people_by_name(login_as, make_user, manager):
    make_user("dana@example.com", name="Dana Director", role=Role.MANAGER)
    make_user("gone@example.com", name="Dana Gone", active=False)
    client = login_as(manager)
    html = client.get(
        "/ideas/owners", query_string={"owner": "dana"}, headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert html.lstrip().startswith('<datalist id="owner-people">')
    assert '<option value="dana@example.com">Dana Director' in html
    assert "gone@example.com" not in html
    assert '<option value="manager@example.com">' in html
    assert client.get("/ideas/owners", query_string={"owner": "%_"}).status_code == 200


def test_an_employee_gets_no_owner_type_ahead(login_as, employee):
    assert login_as(employee).get("/ideas/owners?owner=dana").status_code == 403


def test_a_reviewer_sees_the_likely_originals_of_a_duplicate(
    login_as, employee, make_user, manager, make_idea
):
    original = make_idea(employee, "Due-date reminders by text message")
    repeat = make_idea(make_user(), "Text reminder before the due date")
    html = login_as(manager).get(f"/ideas/{repeat.id}").get_data(as_text=True)
    group = re.search(r'data-for-status="duplicate">(.*?)</div>\s*</div>', html, re.S).group(1)
    assert f'<a href="/ideas/{original.id}">#{original.id} Due-date reminders' in group
    assert f"#{repeat.id} " not in group
