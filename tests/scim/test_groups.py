"""SCIM Groups: members, the Okta and Entra ID PATCH shapes, and groups that grant roles."""

from __future__ import annotations

import httpx2
import pytest
from flask import Flask
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from tests.conftest import UserFactory

PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


@pytest.fixture
def admin_group(app: Flask, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(app.config, "SCIM_ADMIN_GROUP", "Portal Admins")
    return "Portal Admins"


def roles(db: Session, *ids: int) -> list[Role]:
    db.expire_all()
    found = [db.get_one(User, user_id).role for user_id in ids]
    db.rollback()
    return found


def people(make_user: UserFactory, count: int) -> list[int]:
    return [make_user(f"member{number}@example.com").id for number in range(count)]


def create_group(http: httpx2.Client, name: str, member_ids: list[int]) -> dict:
    body = {
        "schemas": [GROUP],
        "displayName": name,
        "members": [{"value": str(member_id)} for member_id in member_ids],
    }
    response = http.post("/Groups", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def patch(http: httpx2.Client, group_id: str, *operations: dict):
    body = {"schemas": [PATCH], "Operations": list(operations)}
    return http.patch(f"/Groups/{group_id}", json=body)


def test_create_get_filter_and_list_without_members(http, make_user) -> None:
    ids = people(make_user, 2)
    group = create_group(http, "Claims team", ids)

    fetched = http.get(f"/Groups/{group['id']}").json()
    assert [member["value"] for member in fetched["members"]] == [str(i) for i in ids]
    found = http.get("/Groups", params={"filter": 'displayName eq "Claims team"'}).json()
    assert found["totalResults"] == 1
    bare = http.get("/Groups", params={"excludedAttributes": "members"}).json()
    assert "members" not in bare["Resources"][0]
    twice = http.post("/Groups", json={"schemas": [GROUP], "displayName": "Claims team"})
    assert (twice.status_code, twice.json()["scimType"]) == (409, "uniqueness")


def test_the_admin_group_grants_and_takes_admin(http, make_user, db, admin_group) -> None:
    first, second = people(make_user, 2)
    group = create_group(http, admin_group, [first])
    assert roles(db, first, second) == [Role.ADMIN, Role.EMPLOYEE]

    # Entra ID adds with a path and a list, and removes with a value filter.
    added = patch(
        http, group["id"], {"op": "Add", "path": "members", "value": [{"value": str(second)}]}
    )
    assert added.status_code == 200, added.text
    assert roles(db, first, second) == [Role.ADMIN, Role.ADMIN]
    removed = patch(http, group["id"], {"op": "Remove", "path": f'members[value eq "{first}"]'})
    assert removed.status_code == 200, removed.text
    assert roles(db, first, second) == [Role.EMPLOYEE, Role.ADMIN]

    # Okta replaces the member list.
    replaced = patch(
        http, group["id"], {"op": "replace", "path": "members", "value": [{"value": str(first)}]}
    )
    assert replaced.status_code == 200, replaced.text
    assert roles(db, first, second) == [Role.ADMIN, Role.EMPLOYEE]


def test_leaving_the_admin_group_keeps_a_manager_a_manager(
    http, make_user, db, admin_group
) -> None:
    make_user("standing.admin@example.com", role=Role.ADMIN)
    boss = make_user("group.boss@example.com")
    make_user("report@example.com", manager=boss)
    boss_id = boss.id
    group = create_group(http, admin_group, [boss_id])
    assert http.delete(f"/Groups/{group['id']}").status_code == 204
    assert roles(db, boss_id) == [Role.MANAGER]
    assert http.get(f"/Groups/{group['id']}").status_code == 404


def test_the_admin_group_cannot_take_away_the_last_admin(http, make_user, db, admin_group) -> None:
    (only,) = people(make_user, 1)
    group = create_group(http, admin_group, [only])
    assert roles(db, only) == [Role.ADMIN]
    emptied = patch(http, group["id"], {"op": "replace", "path": "members", "value": []})
    assert emptied.status_code == 400, emptied.text
    assert "without an active admin" in emptied.json()["detail"]
    assert http.delete(f"/Groups/{group['id']}").status_code == 400
    assert roles(db, only) == [Role.ADMIN]


def test_renaming_and_unknown_members(http, make_user) -> None:
    ids = people(make_user, 1)
    group = create_group(http, "Old name", ids)
    renamed = patch(http, group["id"], {"op": "replace", "value": {"displayName": "New name"}})
    assert renamed.json()["displayName"] == "New name"
    unknown = patch(
        http, group["id"], {"op": "add", "path": "members", "value": [{"value": "424242"}]}
    )
    assert (unknown.status_code, unknown.json()["scimType"]) == (400, "invalidValue")


def test_a_deleted_admin_loses_the_groups_role_and_comes_back_without_it(
    http, make_user, db, admin_group
) -> None:
    keeper, leaver = people(make_user, 2)
    create_group(http, admin_group, [keeper, leaver])
    assert roles(db, keeper, leaver) == [Role.ADMIN, Role.ADMIN]

    assert http.delete(f"/Users/{leaver}").status_code == 204
    assert roles(db, leaver) == [Role.EMPLOYEE]
    back = http.post("/Users", json={"userName": "member1@example.com"})
    assert back.status_code == 201 and back.json()["id"] == str(leaver)
    assert roles(db, leaver) == [Role.EMPLOYEE]
    # The last admin cannot be deleted: deleting would deactivate them.
    refused = http.delete(f"/Users/{keeper}")
    assert refused.status_code == 400 and "without an active admin" in refused.json()["detail"]
