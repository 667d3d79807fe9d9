"""attributes and excludedAttributes (RFC 7644 §3.4.2.5) on reads and writes."""

from __future__ import annotations

import httpx2

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"


def create(http: httpx2.Client, email: str = "shape@example.com") -> str:
    response = http.post(
        "/Users",
        json={
            "userName": email,
            "name": {"givenName": "Sha", "familyName": "Pe"},
            "title": "Agent",
            ENTERPRISE: {"department": "Claims"},
        },
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_attributes_returns_what_was_asked_and_what_is_always_returned(
    http: httpx2.Client,
) -> None:
    user_id = create(http)
    wanted = f"userName,name.givenName,{ENTERPRISE}:department,{CORE}:title"

    body = http.get(f"/Users/{user_id}", params={"attributes": wanted}).json()

    assert set(body) == {"schemas", "id", "meta", "userName", "name", "title", ENTERPRISE}
    assert body["name"] == {"givenName": "Sha"}
    assert body[ENTERPRISE] == {"department": "Claims"}


def test_excluded_attributes_leaves_the_rest_but_never_the_id(http: httpx2.Client) -> None:
    user_id = create(http)
    excluded = f"emails,name.familyName,{ENTERPRISE},id,meta"

    response = http.get(f"/Users/{user_id}", params={"excludedAttributes": excluded})

    body = response.json()
    assert "emails" not in body and ENTERPRISE not in body
    assert body["name"] == {"formatted": "Sha Pe", "givenName": "Sha"}
    assert body["id"] == user_id and "meta" in body and body["userName"] == "shape@example.com"
    # The ETag is still the whole resource's version.
    assert response.headers["ETag"] == http.get(f"/Users/{user_id}").headers["ETag"]


def test_list_and_writes_honour_attributes(http: httpx2.Client) -> None:
    create(http, "listed@example.com")
    listed = http.get(
        "/Users",
        params={"filter": 'userName eq "listed@example.com"', "attributes": "userName"},
    ).json()
    assert [set(resource) for resource in listed["Resources"]] == [
        {"schemas", "id", "meta", "userName"}
    ]
    created = http.post(
        "/Users", params={"attributes": "active"}, json={"userName": "written@example.com"}
    ).json()
    assert set(created) == {"schemas", "id", "meta", "active"}


def test_multi_valued_sub_attributes_and_case(http: httpx2.Client) -> None:
    user_id = create(http)
    body = http.get(f"/Users/{user_id}", params={"attributes": "EMAILS.VALUE"}).json()
    assert body["emails"] == [{"value": "shape@example.com"}]


def test_a_malformed_path_is_an_invalid_path(http: httpx2.Client) -> None:
    user_id = create(http)
    response = http.get(f"/Users/{user_id}", params={"attributes": "name..givenName"})
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidPath"


def test_groups_read_members_only_when_shown(http: httpx2.Client) -> None:
    user_id = create(http)
    group = http.post("/Groups", json={"displayName": "Claims", "members": [{"value": user_id}]})
    group_id = group.json()["id"]

    named = http.get(f"/Groups/{group_id}", params={"attributes": "displayName"}).json()
    assert set(named) == {"schemas", "id", "meta", "displayName"}
    members = http.get(f"/Groups/{group_id}", params={"attributes": "members.value"}).json()
    assert members["members"] == [{"value": user_id}]
    listed = http.get("/Groups", params={"excludedAttributes": "members"}).json()
    assert "members" not in listed["Resources"][0]
