"""SCIM Users through scim2-client and raw HTTP against the running portal."""

from __future__ import annotations

from types import SimpleNamespace

import httpx2
import pytest
from scim2_models import (
    Context,
    Email,
    EnterpriseUser,
    Manager,
    Name,
    PatchOp,
    PatchOperation,
    SCIMException,
    User,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Role
from portal.accounts.models import User as Person
from portal.core.audit import AuditEntry
from tests.conftest import UserFactory

SCIM_JSON = "application/scim+json"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def new_user(email: str, name: str = "Dana Directory", **extra) -> User[EnterpriseUser]:
    given, _, family = name.partition(" ")
    return User[EnterpriseUser](
        user_name=email,
        name=Name(given_name=given, family_name=family),
        display_name=name,
        emails=[Email(value=email, type="work", primary=True)],
        active=True,
        **extra,
    )


def person(db: Session, email: str) -> SimpleNamespace:
    """The person as stored now; the read ends its transaction so the server can write."""
    db.expire_all()
    found = db.scalars(select(Person).where(Person.email == email)).one()
    columns = ("id", "display_name", "job_title", "manager_id", "role", "active", "session_version")
    snapshot = SimpleNamespace(**{column: getattr(found, column) for column in columns})
    db.rollback()
    return snapshot


def patch(http: httpx2.Client, user_id: str, *operations: dict, **headers: str):
    body = {"schemas": [PATCH], "Operations": list(operations)}
    return http.patch(f"/Users/{user_id}", json=body, headers=headers)


def test_create_then_get_a_user(scim, db: Session, make_user: UserFactory) -> None:
    boss = make_user("boss@example.com", role=Role.MANAGER)
    request = new_user("dana@example.com", title="Agent", external_id="okta-1")
    request[EnterpriseUser] = EnterpriseUser(
        department="Claims", manager=Manager(value=str(boss.id))
    )

    created = scim.create(request)

    assert created.id and created.user_name == "dana@example.com"
    assert created.meta.version and created.meta.location.endswith(f"/Users/{created.id}")
    fetched = scim.query(User[EnterpriseUser], created.id)
    assert (fetched.display_name, fetched.title, fetched.external_id, fetched.active) == (
        "Dana Directory",
        "Agent",
        "okta-1",
        True,
    )
    assert fetched[EnterpriseUser].department == "Claims"
    assert fetched[EnterpriseUser].manager.value == str(boss.id)
    dana = person(db, "dana@example.com")
    assert (dana.role, dana.manager_id, dana.job_title) == (Role.EMPLOYEE, boss.id, "Agent")
    audit = db.scalars(select(AuditEntry).where(AuditEntry.action == "scim_user_created")).one()
    assert audit.target == "dana@example.com" and "Okta" in audit.detail
    db.rollback()


def test_a_second_create_for_the_same_user_name_is_a_uniqueness_error(scim, db) -> None:
    scim.create(new_user("twice@example.com"))
    with pytest.raises(SCIMException) as refused:
        scim.create(new_user("Twice@Example.com"))
    error = refused.value.to_error()
    assert (error.status, error.scim_type) == (409, "uniqueness")
    assert len(db.scalars(select(Person).where(Person.email == "twice@example.com")).all()) == 1
    db.rollback()


def test_filters_by_user_name_external_id_and_work_email(scim, db) -> None:
    scim.create(new_user("filter.me@example.com", external_id="ext-7"))
    scim.create(new_user("someone.else@example.com"))
    for expression in (
        'userName eq "Filter.Me@example.com"',
        'externalId eq "ext-7"',
        'emails[type eq "work"].value eq "filter.me@example.com"',
    ):
        found = scim.query(User[EnterpriseUser], query_parameters={"filter": expression})
        assert found.total_results == 1, expression
        assert found.resources[0].user_name == "filter.me@example.com"
    nobody = scim.query(User, query_parameters={"filter": 'userName eq "x@example.com"'})
    assert nobody.total_results == 0 and not nobody.resources


def test_pagination_follows_start_index_and_count(http: httpx2.Client, make_user) -> None:
    for number in range(7):
        make_user(f"page{number}@example.com")

    first = http.get("/Users", params={"startIndex": 1, "count": 3}).json()
    third = http.get("/Users", params={"startIndex": 7, "count": 3}).json()
    nothing = http.get("/Users", params={"startIndex": 1, "count": 0}).json()
    beyond = http.get("/Users", params={"startIndex": 50, "count": 3}).json()

    assert (first["totalResults"], first["startIndex"], first["itemsPerPage"]) == (7, 1, 3)
    assert [user["userName"] for user in first["Resources"]] == [
        "page0@example.com",
        "page1@example.com",
        "page2@example.com",
    ]
    assert [user["userName"] for user in third["Resources"]] == ["page6@example.com"]
    assert (nothing["totalResults"], nothing["Resources"]) == (7, [])
    assert beyond["Resources"] == [] and beyond["totalResults"] == 7


def test_replace_a_user(scim, db) -> None:
    created = scim.create(new_user("replace@example.com", title="Agent"))
    replacement = new_user("replace@example.com", name="Renee Replaced")
    replacement.id = created.id

    replaced = scim.replace(replacement)

    assert replaced.display_name == "Renee Replaced" and replaced.title is None
    assert person(db, "replace@example.com").job_title == ""


def test_okta_patch_shapes(http: httpx2.Client, scim, db) -> None:
    created = scim.create(new_user("okta@example.com", title="Agent"))
    response = patch(
        http,
        created.id,
        {"op": "replace", "value": {"active": False}},
    )
    assert response.status_code == 200, response.text
    assert response.json()["active"] is False
    assert person(db, "okta@example.com").active is False

    response = patch(
        http,
        created.id,
        {
            "op": "replace",
            "value": {"active": True, "name": {"givenName": "Ola", "familyName": "Kta"}},
        },
        {"op": "add", "path": "title", "value": "Senior agent"},
        {"op": "remove", "path": "title"},
        {"op": "add", "path": "title", "value": "Team lead"},
    )
    assert response.status_code == 200, response.text
    okta = person(db, "okta@example.com")
    assert (okta.active, okta.display_name, okta.job_title) == (True, "Ola Kta", "Team lead")


def test_entra_id_patch_shapes(http: httpx2.Client, scim, db, make_user: UserFactory) -> None:
    boss_id = make_user("entra.boss@example.com", role=Role.MANAGER).id
    created = scim.create(new_user("entra@example.com"))

    response = patch(
        http,
        created.id,
        {"op": "Replace", "path": "displayName", "value": "Ena Tra"},
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ena.tra@example.com"},
        {"op": "Add", "path": f"{ENTERPRISE}:department", "value": "Billing"},
        {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": str(boss_id)},
        {"op": "Replace", "path": "active", "value": "False"},
    )

    assert response.status_code == 200, response.text
    entra = person(db, "ena.tra@example.com")
    assert (entra.display_name, entra.manager_id, entra.active) == ("Ena Tra", boss_id, False)
    body = response.json()
    assert body["userName"] == "ena.tra@example.com"
    assert body[ENTERPRISE]["department"] == "Billing"

    response = patch(http, created.id, {"op": "Remove", "path": f"{ENTERPRISE}:manager"})
    assert response.status_code == 200, response.text
    assert person(db, "ena.tra@example.com").manager_id is None


def test_patch_through_the_client_library(scim, db) -> None:
    created = scim.create(new_user("library@example.com"))
    operation = PatchOp[User[EnterpriseUser]](
        operations=[
            PatchOperation[User[EnterpriseUser]](
                op=PatchOperation.Op.replace_, path="title", value="Coach"
            )
        ]
    )
    scim.modify(User[EnterpriseUser], created.id, operation)
    assert person(db, "library@example.com").job_title == "Coach"


def test_deactivation_ends_sessions_and_keeps_the_person(
    http: httpx2.Client, scim, db, app
) -> None:
    created = scim.create(new_user("leaver@example.com"))
    leaver = person(db, "leaver@example.com")
    version = leaver.session_version

    assert (
        patch(http, created.id, {"op": "replace", "path": "active", "value": False}).status_code
        == 200
    )

    leaver = person(db, "leaver@example.com")
    assert leaver.active is False and leaver.session_version > version


def test_delete_deactivates_and_hides_the_person(http: httpx2.Client, scim, db) -> None:
    created = scim.create(new_user("deleted@example.com"))

    assert http.delete(f"/Users/{created.id}").status_code == 204

    assert person(db, "deleted@example.com").active is False
    missing = http.get(f"/Users/{created.id}")
    assert missing.status_code == 404 and missing.json()["schemas"] == [ERROR]
    listed = http.get("/Users", params={"filter": 'userName eq "deleted@example.com"'}).json()
    assert listed["totalResults"] == 0


def test_etags_guard_changes(http: httpx2.Client, scim) -> None:
    created = scim.create(new_user("etag@example.com"))
    current = http.get(f"/Users/{created.id}")
    etag = current.headers["ETag"]
    assert etag == current.json()["meta"]["version"]

    changed = patch(
        http, created.id, {"op": "replace", "path": "title", "value": "A"}, **{"If-Match": etag}
    )
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    stale = patch(
        http, created.id, {"op": "replace", "path": "title", "value": "B"}, **{"If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.json()["status"] == "412"
    assert stale.json()["scimType"] == "invalidVers"

    fresh = changed.headers["ETag"]
    unchanged = http.get(f"/Users/{created.id}", headers={"If-None-Match": fresh})
    assert (unchanged.status_code, unchanged.headers["ETag"]) == (304, fresh)
    assert http.get(f"/Users/{created.id}", headers={"If-None-Match": etag}).status_code == 200
    assert http.delete(f"/Users/{created.id}", headers={"If-Match": etag}).status_code == 412
    assert http.delete(f"/Users/{created.id}", headers={"If-Match": fresh}).status_code == 204


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "scim_type"),
    [
        ("post", "/Users", {"schemas": [], "displayName": "No user name"}, 400, "invalidValue"),
        ("post", "/Users", {"userName": "not an email", "displayName": "X"}, 400, "invalidValue"),
        (
            "post",
            "/Users",
            {"userName": "a@example.com", "displayName": "X" * 200},
            400,
            "invalidValue",
        ),
        ("post", "/Users", {"userName": "a@example.com", "active": "maybe"}, 400, "invalidValue"),
        ("get", '/Users?filter=title co "x"', None, 400, "invalidFilter"),
        ("get", "/Users?count=lots", None, 400, "invalidValue"),
        ("get", "/Users/999999", None, 404, None),
        ("get", "/Users/99999999999999999999", None, 404, None),
        ("get", "/Nowhere", None, 404, None),
    ],
)
def test_errors_have_the_rfc_shape(
    http: httpx2.Client, method: str, path: str, body, status: int, scim_type: str | None
) -> None:
    response = http.request(method.upper(), path, json=body)
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == SCIM_JSON
    error = response.json()
    assert error["schemas"] == [ERROR] and error["status"] == str(status) and error["detail"]
    assert error.get("scimType") == scim_type


def test_patch_errors(http: httpx2.Client, scim) -> None:
    created = scim.create(new_user("patch.errors@example.com"))
    no_path = patch(http, created.id, {"op": "remove"})
    required = patch(http, created.id, {"op": "remove", "path": "userName"})
    bad_op = patch(http, created.id, {"op": "move", "path": "title"})
    assert (no_path.status_code, no_path.json()["scimType"]) == (400, "noTarget")
    assert (required.status_code, required.json()["scimType"]) == (400, "mutability")
    assert (bad_op.status_code, bad_op.json()["scimType"]) == (400, "invalidSyntax")


def test_a_manager_loop_is_refused_by_the_accounts_rules(http, scim, db) -> None:
    boss = scim.create(new_user("loop.boss@example.com"))
    report = new_user("loop.report@example.com")
    report[EnterpriseUser] = EnterpriseUser(manager=Manager(value=boss.id))
    report = scim.create(report)

    response = patch(
        http, boss.id, {"op": "add", "path": f"{ENTERPRISE}:manager", "value": report.id}
    )

    assert response.status_code == 400
    assert "loop" in response.json()["detail"]


def test_tokens_only(live_url: str, scim_token: str, db, make_user, login_as) -> None:
    admin = make_user("scim.admin@example.com", role=Role.ADMIN)
    assert httpx2.get(f"{live_url}/scim/v2/Users").status_code == 401
    wrong = httpx2.get(f"{live_url}/scim/v2/Users", headers={"Authorization": "Bearer scim_nope"})
    assert wrong.status_code == 401
    client = login_as(admin)
    assert client.get("/scim/v2/Users").status_code == 401
    assert client.post("/scim/v2/Users", json={"userName": "csrf@example.com"}).status_code == 401
    assert db.scalars(select(Person).where(Person.email == "csrf@example.com")).first() is None


def test_a_revoked_token_stops_working(http: httpx2.Client, db) -> None:
    from portal.scim.tokens import find_token_by_name, revoke_token

    assert http.get("/Users").status_code == 200
    revoke_token(db, None, find_token_by_name(db, "Okta"))
    db.commit()
    assert http.get("/Users").status_code == 401


def test_discovery_endpoints(http: httpx2.Client) -> None:
    config = http.get("/ServiceProviderConfig").json()
    assert config["patch"]["supported"] and config["etag"]["supported"]
    assert not config["bulk"]["supported"]
    types = http.get("/ResourceTypes").json()
    assert {item["id"] for item in types["Resources"]} == {"User", "Group"}
    assert http.get("/ResourceTypes/User").json()["schemaExtensions"][0]["schema"] == ENTERPRISE
    schemas = http.get("/Schemas").json()
    user_schema = next(item for item in schemas["Resources"] if item["name"] == "User")
    assert {attribute["name"] for attribute in user_schema["attributes"]} == {
        "userName",
        "name",
        "displayName",
        "title",
        "active",
        "emails",
    }
    assert http.get(f"/Schemas/{ENTERPRISE}").json()["id"] == ENTERPRISE


def test_a_look_alike_email_is_refused(scim, http: httpx2.Client, make_user) -> None:
    make_user("dana.lookalike@example.com")
    cyrillic_a = "\u0430"
    body = new_user(f"d{cyrillic_a}na.lookalike@example.com").model_dump(
        scim_ctx=Context.RESOURCE_CREATION_REQUEST
    )
    fullwidth = new_user("\uff44\uff41\uff4e\uff41.lookalike@example.com").model_dump(
        scim_ctx=Context.RESOURCE_CREATION_REQUEST
    )
    for attempt in (body, fullwidth):
        response = http.post("/Users", json=attempt)
        assert response.status_code in (400, 409), response.text
        assert response.json()["schemas"] == [ERROR]
    # Nor can someone already provisioned be renamed to one.
    created = http.post("/Users", json={"userName": "plain@example.com"}).json()
    renamed = patch(
        http,
        created["id"],
        {"op": "replace", "path": "userName", "value": f"d{cyrillic_a}na.lookalike@example.com"},
    )
    assert renamed.status_code in (400, 409) and renamed.json()["schemas"] == [ERROR]
    assert http.get(f"/Users/{created['id']}").json()["userName"] == "plain@example.com"


def test_the_last_admin_cannot_be_deactivated(http: httpx2.Client, make_user, db) -> None:
    admin_id = str(make_user("only.admin@example.com", role=Role.ADMIN).id)
    response = patch(http, admin_id, {"op": "replace", "path": "active", "value": False})
    assert response.status_code == 400, response.text
    assert "without an active admin" in response.json()["detail"]
    assert http.delete(f"/Users/{admin_id}").status_code == 400
    assert person(db, "only.admin@example.com").active is True


def test_control_characters_in_json_never_reach_the_database(http: httpx2.Client, scim, db) -> None:
    created = scim.create(new_user("control.chars@example.com"))
    response = patch(
        http, created.id, {"op": "replace", "path": "displayName", "value": "Dana\x00\x07 Doe"}
    )
    assert response.status_code == 200, response.text
    assert person(db, "control.chars@example.com").display_name == "Dana Doe"


def test_a_deleted_person_created_again_comes_back_as_themselves(
    http: httpx2.Client, scim, db
) -> None:
    created = scim.create(new_user("returner@example.com", external_id="dir-77"))
    assert http.delete(f"/Users/{created.id}").status_code == 204

    again = http.post(
        "/Users",
        json={"userName": "returner@example.com", "displayName": "Rita Returns", "active": True},
    )

    assert again.status_code == 201, again.text
    assert again.json()["id"] == created.id and again.json()["externalId"] == "dir-77"
    returner = person(db, "returner@example.com")
    assert (returner.active, returner.display_name) == (True, "Rita Returns")
    assert http.get(f"/Users/{created.id}").status_code == 200
    actions = [
        entry.detail
        for entry in db.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.action == "scim_user_created",
                AuditEntry.target == "returner@example.com",
            )
            .order_by(AuditEntry.id)
        )
    ]
    assert len(actions) == 2 and "reactivated" in actions[1] and "Okta" in actions[1]


def test_a_deleted_person_is_found_again_by_external_id_under_a_new_address(
    http: httpx2.Client, scim, db
) -> None:
    created = scim.create(new_user("maiden@example.com", external_id="dir-88"))
    assert http.delete(f"/Users/{created.id}").status_code == 204

    again = http.post("/Users", json={"userName": "married@example.com", "externalId": "dir-88"})

    assert again.status_code == 201, again.text
    assert again.json()["id"] == created.id
    assert person(db, "married@example.com").id == int(created.id)
    # Created once more, the person is there already: a uniqueness error, not a second row.
    twice = http.post("/Users", json={"userName": "married@example.com", "externalId": "dir-88"})
    assert twice.status_code == 409 and twice.json()["scimType"] == "uniqueness"


def test_the_create_reply_is_the_resource_as_read_back(
    http: httpx2.Client, make_user: UserFactory
) -> None:
    boss = make_user("reply.boss@example.com", role=Role.MANAGER)
    body = {
        "userName": "reply@example.com",
        "externalId": "dir-reply",
        "title": "Agent",
        ENTERPRISE: {"department": "  Claims   North ", "manager": {"value": str(boss.id)}},
    }
    created = http.post("/Users", json=body)

    read = http.get(f"/Users/{created.json()['id']}")
    assert created.status_code == 201 and created.headers["ETag"] == read.headers["ETag"]
    assert created.json() == read.json()
    taken = http.post("/Users", json={"userName": "other@example.com", "externalId": "dir-reply"})
    assert taken.status_code == 409 and "externalId" in taken.json()["detail"]


def test_a_create_runs_a_fixed_number_of_statements(http: httpx2.Client, count_statements) -> None:
    """Token, address, department, person, its department's headcount, two audit rows,
    externalId: the provisioning run's cost per person, the same for the first person as for
    the thousandth."""
    counts = []
    for number in range(3):
        body = {
            "userName": f"counted{number}@example.com",
            "externalId": f"dir-counted-{number}",
            ENTERPRISE: {"department": "Claims"},
        }
        with count_statements() as counter:
            assert http.post("/Users", json=body).status_code == 201
        counts.append(counter.count)
    assert counts[1:] == [8, 8], counts
