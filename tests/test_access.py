"""The access matrix: every route is classified here, and no lower role reaches a higher one.

Add each new route to ROUTES with the lowest role allowed and example URL arguments. SCIM
routes take a bearer token and nothing else: every session cookie, of any role, gets 401.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import Role, User
from tests.conftest import UserFactory, login

ANONYMOUS = "anonymous"
TOKEN = "bearer token"
LEVELS = [ANONYMOUS, Role.EMPLOYEE.value, Role.MANAGER.value, Role.ADMIN.value]

# endpoint: (lowest level allowed, example URL arguments)
ROUTES: dict[str, tuple[str, dict[str, object]]] = {
    "static": (ANONYMOUS, {"filename": "css/portal.css"}),
    "accounts.login": (ANONYMOUS, {}),
    "accounts.invitation": (ANONYMOUS, {"token": "not-a-token"}),
    "identity.start": (ANONYMOUS, {}),
    "identity.callback": (ANONYMOUS, {}),
    "admin.identity": ("admin", {}),
    "admin.new_token": ("admin", {}),
    "admin.revoke_token": ("admin", {"token_id": 1}),
    "scim.service_provider_config_view": (TOKEN, {}),
    "scim.resource_types_view": (TOKEN, {}),
    "scim.resource_type_view": (TOKEN, {"name": "User"}),
    "scim.schemas_view": (TOKEN, {}),
    "scim.schema_view": (TOKEN, {"schema_id": "urn:ietf:params:scim:schemas:core:2.0:User"}),
    "scim.list_users": (TOKEN, {}),
    "scim.create_user": (TOKEN, {}),
    "scim.get_user": (TOKEN, {"user_id": "1"}),
    "scim.replace_user": (TOKEN, {"user_id": "1"}),
    "scim.patch_user": (TOKEN, {"user_id": "1"}),
    "scim.delete_user": (TOKEN, {"user_id": "1"}),
    "scim.list_groups": (TOKEN, {}),
    "scim.create_group": (TOKEN, {}),
    "scim.get_group": (TOKEN, {"group_id": "1"}),
    "scim.replace_group": (TOKEN, {"group_id": "1"}),
    "scim.patch_group": (TOKEN, {"group_id": "1"}),
    "scim.delete_group": (TOKEN, {"group_id": "1"}),
    "scim.unknown": (TOKEN, {"anything": "Nowhere"}),
    "home.index": ("employee", {}),
    "accounts.logout": ("employee", {}),
    "accounts.password": ("employee", {}),
    "people.directory": ("employee", {}),
    "people.profile": ("employee", {"user_id": 1}),
    "notifications.index": ("employee", {}),
    "notifications.open_notification": ("employee", {"notification_id": 1}),
    "notifications.read_all": ("employee", {}),
    "notifications.preferences": ("employee", {}),
    "admin.index": ("admin", {}),
    "admin.users": ("admin", {}),
    "admin.new_user": ("admin", {}),
    "admin.edit_user": ("admin", {"user_id": 1}),
    "admin.deactivate_user": ("admin", {"user_id": 1}),
    "admin.reactivate_user": ("admin", {"user_id": 1}),
    "admin.invite_user": ("admin", {"user_id": 1}),
    "admin.import_users": ("admin", {}),
    "admin.confirm_import": ("admin", {}),
    "admin.audit": ("admin", {}),
    "ideas.index": ("employee", {}),
    "ideas.new_idea": ("employee", {}),
    "ideas.show": ("employee", {"idea_id": 1}),
    "ideas.edit": ("employee", {"idea_id": 1}),
    "ideas.vote": ("employee", {"idea_id": 1}),
    "ideas.unvote": ("employee", {"idea_id": 1}),
    "ideas.follow": ("employee", {"idea_id": 1}),
    "ideas.unfollow": ("employee", {"idea_id": 1}),
    "ideas.comment": ("employee", {"idea_id": 1}),
    "ideas.edit_comment_page": ("employee", {"comment_id": 1}),
    "ideas.delete_comment_page": ("employee", {"comment_id": 1}),
    "ideas.mark_official": ("employee", {"comment_id": 1}),
    "ideas.similar": ("employee", {}),
    "ideas.owner_choices": ("manager", {}),
    "ideas.update_status": ("manager", {"idea_id": 1}),
    "ideas.review": ("manager", {}),
    "ideas.campaigns": ("employee", {}),
    "ideas.insights": ("employee", {}),
    "admin.categories": ("admin", {}),
    "admin.toggle_category": ("admin", {"category_id": 1}),
    "ideas.campaign": ("employee", {"campaign_id": 1}),
    "admin.new_campaign": ("admin", {}),
    "admin.edit_campaign": ("admin", {"campaign_id": 1}),
    "recognition.wall": ("employee", {}),
    "recognition.nominate_colleague": ("employee", {}),
    "recognition.colleagues": ("employee", {}),
    "recognition.approvals": ("employee", {}),
    "recognition.decide": ("employee", {"nomination_id": 1}),
    "recognition.sent": ("employee", {}),
    "recognition.resubmit": ("employee", {"nomination_id": 1}),
    "recognition.withdraw": ("employee", {"nomination_id": 1}),
    "recognition.privacy": ("employee", {}),
    "recognition.celebrate_award": ("employee", {"nomination_id": 1}),
    "recognition.comment_award": ("employee", {"nomination_id": 1}),
    "admin.awards": ("admin", {}),
    "admin.new_award": ("admin", {}),
    "admin.edit_award": ("admin", {"award_id": 1}),
    "admin.award_active": ("admin", {"award_id": 1}),
    "admin.integrity_flags": ("admin", {}),
    "admin.resolve_flag": ("admin", {"nomination_id": 1}),
    "reviews.index": ("employee", {}),
    "reviews.packet": ("employee", {"cycle_id": 1, "user_id": 1}),
    "reviews.export_csv": ("admin", {"cycle_id": 1}),
    "reviews.export_json": ("admin", {"cycle_id": 1}),
    "admin.cycles": ("admin", {}),
    "admin.close_cycle": ("admin", {"cycle_id": 1}),
    "admin.job_progress": ("admin", {"job_id": 1}),
    "admin.leaderboards": ("admin", {}),
    "admin.leaderboards_csv": ("admin", {}),
    "admin.equity": ("admin", {}),
    "leaderboards.team_gaps": ("manager", {}),
}


def all_rules(app: Flask):
    return list(app.url_map.iter_rules())


def test_every_route_is_classified(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in all_rules(app)}
    assert endpoints - ROUTES.keys() == set(), "classify these routes in ROUTES"
    assert ROUTES.keys() - endpoints == set(), "these ROUTES entries no longer exist"


def requests_to_check(app: Flask):
    for rule in all_rules(app):
        level, arguments = ROUTES[rule.endpoint]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            with app.test_request_context():
                url = app.url_for(rule.endpoint, **arguments)
            yield rule.endpoint, level, method, url


@pytest.fixture
def people(make_user: UserFactory) -> dict[str, User]:
    return {
        "employee": make_user("access.employee@example.com"),
        "manager": make_user("access.manager@example.com", role=Role.MANAGER),
        "admin": make_user("access.admin@example.com", role=Role.ADMIN),
    }


def send(client: FlaskClient, method: str, url: str):
    return client.open(url, method=method, data={})


def test_lower_roles_are_refused(app: Flask, people: dict[str, User]) -> None:
    checked = 0
    for endpoint, level, method, url in requests_to_check(app):
        if level == TOKEN:
            continue
        required = LEVELS.index(level)
        for visitor in LEVELS[:required]:
            client = app.test_client()
            if visitor != ANONYMOUS:
                assert login(client, people[visitor].email).status_code == 303
            response = send(client, method, url)
            if visitor == ANONYMOUS:
                assert response.status_code in (302, 303), (endpoint, method, visitor)
                assert response.headers["Location"].startswith("/login"), (endpoint, method)
            else:
                assert response.status_code == 403, (
                    endpoint,
                    method,
                    visitor,
                    response.status_code,
                )
            checked += 1
    assert checked > 0


def test_token_routes_refuse_every_session_cookie(app: Flask, people: dict[str, User]) -> None:
    checked = 0
    for endpoint, level, method, url in requests_to_check(app):
        if level != TOKEN:
            continue
        for visitor in LEVELS:
            client = app.test_client()
            if visitor != ANONYMOUS:
                assert login(client, people[visitor].email).status_code == 303
            response = send(client, method, url)
            assert response.status_code == 401, (endpoint, method, visitor)
            assert response.json["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
            checked += 1
    assert checked > 0


def test_token_routes_accept_a_token(app: Flask, people: dict[str, User], db) -> None:
    from portal.scim.tokens import create_token

    _token, raw = create_token(db, None, "access matrix")
    db.commit()
    for endpoint, level, method, url in requests_to_check(app):
        if level != TOKEN or method != "GET":
            continue
        response = app.test_client().get(url, headers={"Authorization": f"Bearer {raw}"})
        assert response.status_code not in (401, 403), endpoint


def test_allowed_role_is_not_refused(app: Flask, people: dict[str, User]) -> None:
    for endpoint, level, method, url in requests_to_check(app):
        if method != "GET" or level in (ANONYMOUS, TOKEN):
            continue
        client = app.test_client()
        assert login(client, people[level].email).status_code == 303
        response = send(client, method, url)
        assert response.status_code != 403, endpoint
        assert not response.headers.get("Location", "").startswith("/login"), endpoint


def test_denials_are_audited(app: Flask, people: dict[str, User], db) -> None:
    from sqlalchemy import select

    from portal.core.audit import AuditEntry

    client = app.test_client()
    login(client, people["employee"].email)
    assert client.get("/admin/users").status_code == 403
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "permission_denied")).one()
    assert entry.actor_id == people["employee"].id
    assert entry.target == "GET /admin/users"
