"""Admin pages for people and the org-chart import, through HTTP."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.core.audit import AuditEntry
from portal.core.mail import OutboxMessage
from tests.conftest import UserFactory
from tests.site.admin.test_importing import CLEAN, HEADER, MISTAKES

SignIn = Callable[[User], FlaskClient]


@pytest.fixture
def admin_client(login_as: SignIn, admin: User) -> FlaskClient:
    return login_as(admin)


def person_form(**changes: str) -> dict[str, str]:
    return {
        "email": "new.person@example.com",
        "display_name": "New Person",
        "job_title": "Agent",
        "department": "Claims",
        "manager_email": "",
        "role": "employee",
    } | changes


# The test's session ends each read with a commit: SQLite lets only one writer in at a time.


def actions(db: Session) -> list[str]:
    db.expire_all()
    found = list(db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    db.commit()
    return found


def find(db: Session, email: str) -> User:
    db.expire_all()
    user = db.scalars(select(User).where(User.email == email)).one()
    db.commit()
    return user


def count(db: Session, model: type) -> int:
    total = db.scalar(select(func.count()).select_from(model)) or 0
    db.commit()
    return total


def invitation_path(db: Session, email: str) -> str:
    body = db.scalars(select(OutboxMessage.body).where(OutboxMessage.recipient == email)).one()
    db.commit()
    match = re.search(r"https?://[^/\s]+(/invitations/\S+)", body)
    assert match, body
    return match.group(1)


def test_users_page_lists_people(admin_client: FlaskClient, employee: User) -> None:
    body = admin_client.get("/admin/users?q=emery").get_data(as_text=True)
    assert "employee@example.com" in body and "admin@example.com" not in body


def test_users_page_htmx_gets_only_the_rows(admin_client: FlaskClient, employee: User) -> None:
    response = admin_client.get("/admin/users?q=emery", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="user-rows"')
    assert "HX-Request" in response.headers["Vary"]


def test_create_person_queues_a_working_single_use_invitation(
    app: Flask, admin_client: FlaskClient, db: Session, manager: User
) -> None:
    response = admin_client.post(
        "/admin/users/new", data=person_form(manager_email="Manager@Example.com")
    )
    assert response.status_code == 303
    person = find(db, "new.person@example.com")
    assert response.headers["Location"] == f"/people/{person.id}"
    assert person.manager_id == manager.id
    assert "user_created" in actions(db)
    path = invitation_path(db, person.email)
    newcomer = app.test_client()
    data = {"password": "newcomer passphrase", "confirm_password": "newcomer passphrase"}
    assert newcomer.post(path, data=data).status_code == 303
    assert newcomer.get("/").status_code == 200
    assert app.test_client().post(path, data=data).status_code == 404


def test_validation_errors_sit_beside_fields_and_keep_typed_values(
    admin_client: FlaskClient, db: Session
) -> None:
    response = admin_client.post(
        "/admin/users/new",
        data=person_form(email="not-an-email", job_title="Typed title", display_name=""),
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="display_name-error">Enter the person&#39;s name.' in body
    assert 'value="Typed title"' in body
    assert 'value="not-an-email"' in body
    assert count(db, User) == 1


def test_service_error_is_shown_beside_the_field(admin_client: FlaskClient) -> None:
    response = admin_client.post(
        "/admin/users/new", data=person_form(manager_email="ghost@example.com")
    )
    body = response.get_data(as_text=True)
    assert 'id="manager_email-error">No one has the email ghost@example.com.' in body
    assert 'value="ghost@example.com"' in body


def test_duplicate_email_in_any_case_is_refused(
    admin_client: FlaskClient, employee: User, db: Session
) -> None:
    response = admin_client.post("/admin/users/new", data=person_form(email="EMPLOYEE@example.com"))
    assert 'id="email-error">employee@example.com already has an account.' in response.get_data(
        as_text=True
    )
    assert count(db, OutboxMessage) == 0


def test_edit_role_and_manager(
    admin_client: FlaskClient, db: Session, employee: User, manager: User
) -> None:
    form = admin_client.get(f"/admin/users/{employee.id}/edit").get_data(as_text=True)
    assert 'value="employee@example.com"' in form
    response = admin_client.post(
        f"/admin/users/{employee.id}/edit",
        data=person_form(
            email=employee.email,
            display_name="Emery Employee",
            manager_email=manager.email,
            role="manager",
        ),
    )
    assert response.status_code == 303
    changed = find(db, employee.email)
    assert (changed.role, changed.manager_id) == (Role.MANAGER, manager.id)
    assert actions(db)[-1] == "user_updated"


def test_manager_loop_is_refused_with_a_clear_message(
    admin_client: FlaskClient, db: Session, make_user: UserFactory
) -> None:
    top = make_user("top@example.com", role=Role.MANAGER, name="Top")
    bottom = make_user("bottom@example.com", manager=top, name="Bottom")
    response = admin_client.post(
        f"/admin/users/{top.id}/edit",
        data=person_form(
            email="top@example.com", display_name="Top Renamed", manager_email=bottom.email
        ),
    )
    body = response.get_data(as_text=True)
    assert "bottom@example.com reports to top@example.com, so this would make a loop." in body
    assert 'value="Top Renamed"' in body
    unchanged = find(db, "top@example.com")
    assert (unchanged.display_name, unchanged.manager_id) == ("Top", None)


def test_deactivation_needs_confirmation_then_a_post(
    admin_client: FlaskClient, db: Session, employee: User
) -> None:
    page = admin_client.get(f"/admin/users/{employee.id}/deactivate")
    assert "Deactivate Emery Employee?" in page.get_data(as_text=True)
    assert find(db, employee.email).active
    response = admin_client.post(f"/admin/users/{employee.id}/deactivate")
    assert response.status_code == 303
    assert not find(db, employee.email).active
    assert admin_client.post(f"/admin/users/{employee.id}/reactivate").status_code == 303
    assert find(db, employee.email).active
    assert actions(db)[-2:] == ["user_deactivated", "user_reactivated"]


def test_admin_cannot_deactivate_themself(
    admin_client: FlaskClient, admin: User, db: Session
) -> None:
    response = admin_client.post(f"/admin/users/{admin.id}/deactivate")
    assert response.status_code == 422
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert find(db, admin.email).active


def test_unknown_person_is_404(admin_client: FlaskClient) -> None:
    assert admin_client.get("/admin/users/999999/edit").status_code == 404


def test_new_invitation_can_be_sent(admin_client: FlaskClient, db: Session, employee: User) -> None:
    assert admin_client.post(f"/admin/users/{employee.id}/invite").status_code == 303
    assert invitation_path(db, employee.email).startswith("/invitations/")


def upload(client: FlaskClient, text: str, name: str = "people.csv"):
    return client.post(
        "/admin/users/import",
        data={"file": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data",
    )


def test_import_with_mistakes_shows_each_line_and_offers_no_confirm(
    admin_client: FlaskClient, db: Session
) -> None:
    body = upload(admin_client, MISTAKES).get_data(as_text=True)
    assert "Nothing will be imported until they are fixed" in body
    assert "Unknown manager: no one has the email ghost@example.com." in body
    assert "Duplicate: twice@example.com is also on line 11." in body
    assert "Import these people" not in body
    assert count(db, User) == 1


def test_import_preview_then_confirm(admin_client: FlaskClient, db: Session) -> None:
    body = upload(admin_client, CLEAN).get_data(as_text=True)
    assert "3 people: 3 new, 0 changed, 0 unchanged. Nothing has changed yet." in body
    assert count(db, User) == 1
    content = re.search(r'name="content" type="hidden" value="([^"]*)"', body)
    assert content, body
    response = admin_client.post(
        "/admin/users/import/confirm", data={"content": html.unescape(content.group(1))}
    )
    assert response.status_code == 303
    assert count(db, User) == 4
    assert count(db, OutboxMessage) == 3
    assert "org_chart_imported" in actions(db)


def test_confirming_a_bad_file_applies_nothing(admin_client: FlaskClient, db: Session) -> None:
    response = admin_client.post("/admin/users/import/confirm", data={"content": MISTAKES})
    assert response.status_code == 422
    assert count(db, User) == 1


def test_import_refuses_a_file_that_is_not_utf8(admin_client: FlaskClient) -> None:
    response = admin_client.post(
        "/admin/users/import",
        data={"file": (io.BytesIO("email\n\xe9".encode("latin-1")), "people.csv")},
        content_type="multipart/form-data",
    )
    assert "The file is not UTF-8 text." in response.get_data(as_text=True)


def test_employee_cannot_reach_admin_pages(login_as: SignIn, employee: User) -> None:
    client = login_as(employee)
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/users/import/confirm", data={"content": CLEAN}).status_code == 403


def test_a_refusal_for_htmx_lands_in_the_message_area(
    admin_client: FlaskClient, admin: User
) -> None:
    response = admin_client.post(
        f"/admin/users/{admin.id}/deactivate", headers={"HX-Request": "true"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#messages"
    assert "<html" not in body and "You cannot deactivate your own account." in body


def test_htmx_save_redirects_with_hx_redirect(admin_client: FlaskClient, employee: User) -> None:
    response = admin_client.post(
        f"/admin/users/{employee.id}/deactivate", headers={"HX-Request": "true"}
    )
    assert response.headers["HX-Redirect"] == "/admin/users"


def upload_bytes(client: FlaskClient, raw: bytes, name: str = "people.csv"):
    return client.post(
        "/admin/users/import",
        data={"file": (io.BytesIO(raw), name)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (HEADER.encode("utf-16"), "The file is saved as UTF-16 text."),
        (HEADER.encode("utf-16-le"), "The file is not a text file: it contains NUL bytes."),
        (bytes(range(256)), "The file is not UTF-8 text."),
    ],
    ids=["utf-16", "utf-16 without bom", "binary"],
)
def test_a_file_that_is_not_text_gets_a_message_beside_the_field(
    admin_client: FlaskClient, raw: bytes, message: str
) -> None:
    response = upload_bytes(admin_client, raw)
    assert response.status_code == 200
    assert f'id="file-error">{message}' in response.get_data(as_text=True)


def test_a_field_over_the_csv_limit_is_shown_on_the_import_page(
    admin_client: FlaskClient,
) -> None:
    body = upload(admin_client, HEADER + "a@example.com," + "x" * 200_000 + ",,,,\n").get_data(
        as_text=True
    )
    assert "Line 2: a field is longer than 131,072 characters" in body
    assert "Import these people" not in body


def test_a_file_over_the_size_limit_is_refused_on_the_import_page(
    app: Flask, admin_client: FlaskClient
) -> None:
    saved = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    try:
        response = upload(admin_client, HEADER + "x" * (1024 * 1024 + 1))
    finally:
        app.config["MAX_CONTENT_LENGTH"] = saved
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert 'id="file-error">The file is larger than 1 MB. Split it into smaller files.' in body
    assert "Preview import" in body


def test_a_large_file_is_summarised_with_the_first_hundred_problems(
    admin_client: FlaskClient, db: Session
) -> None:
    rows = [
        f"person{n}@example.com,Person {n},Agent,Claims,ghost@example.com,\n" for n in range(50_000)
    ]
    response = upload(admin_client, HEADER + "".join(rows))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(body) < 100_000
    assert "The file has 50,000 problem(s)." in body
    assert "The first 100 problems" in body and "…and 49,900 more." in body
    assert "person99@example.com" in body and "person100@example.com" not in body
    assert "50,000 people: 50,000 new, 0 changed, 0 unchanged." in body
    assert count(db, User) == 1


def test_a_clean_large_file_is_previewed_briefly_and_confirmed_whole(
    admin_client: FlaskClient, db: Session
) -> None:
    rows = [f"person{n}@example.com,Person {n},Agent,Claims,,\n" for n in range(1_500)]
    text = HEADER + "".join(rows)
    body = upload(admin_client, text).get_data(as_text=True)
    assert "The first 50 of 1,500 changes" in body
    assert len(body) < len(text) / 2
    content = re.search(r'name="content" type="hidden" value="([^"]*)"', body)
    assert content, body
    response = admin_client.post(
        "/admin/users/import/confirm", data={"content": html.unescape(content.group(1))}
    )
    assert response.status_code == 303
    assert count(db, User) == 1_501


def test_a_damaged_confirmation_applies_nothing(admin_client: FlaskClient, db: Session) -> None:
    response = admin_client.post("/admin/users/import/confirm", data={"content": "garbage!"})
    assert response.status_code == 422
    assert "This import could not be read. Upload the file again." in response.get_data(
        as_text=True
    )
    assert count(db, User) == 1


def test_the_import_cannot_change_the_importing_admins_own_role(
    admin_client: FlaskClient, db: Session, admin: User
) -> None:
    body = upload(admin_client, HEADER + "admin@example.com,Avery Admin,,,,employee\n").get_data(
        as_text=True
    )
    assert "You cannot change your own role; ask another admin." in body
    assert "Import these people" not in body
    assert find(db, admin.email).role is Role.ADMIN


def test_the_user_form_refuses_a_look_alike_address_beside_the_field(
    admin_client: FlaskClient, employee: User, make_user: UserFactory
) -> None:
    response = admin_client.post("/admin/users/new", data=person_form(email="emp1oyee@example.com"))
    assert (
        'id="email-error">emp1oyee@example.com looks too much like employee@example.com'
        in response.get_data(as_text=True)
    )
    other = make_user("other@example.com")
    response = admin_client.post(
        f"/admin/users/{other.id}/edit",
        data=person_form(email="\u0435mployee@example.com", display_name="Other"),
    )
    body = response.get_data(as_text=True)
    assert 'id="email-error">' in body and "mixes Cyrillic and Latin letters" in body
