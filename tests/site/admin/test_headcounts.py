"""The department headcounts stay equal to a recount through every account write of the site:
the user form (create, edit, deactivate, reactivate) and the CSV import."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Department, User
from portal.accounts.rollups.models import NO_DEPARTMENT, DepartmentHeadcount
from portal.leaderboards.rollups import verify_rollups
from portal.site.admin.importing.apply import apply_import
from tests.conftest import UserFactory
from tests.site.admin.test_importing import CLEAN
from tests.site.admin.test_people import person_form


def headcounts(db: Session) -> dict[str, int]:
    """Active people by department name (and "" for none), as the summary rows hold them."""
    db.expire_all()
    rows = db.scalars(select(DepartmentHeadcount).where(DepartmentHeadcount.people != 0)).all()
    names = {row.department_key: row.people for row in rows}
    by_id = {row.id: row.name for row in db.execute(select(Department.id, Department.name))}
    found = {("" if key == NO_DEPARTMENT else by_id[key]): people for key, people in names.items()}
    assert verify_rollups(db) == []
    db.commit()
    return found


def test_the_user_form_keeps_the_headcounts(
    login_as, db: Session, admin: User, employee: User
) -> None:
    admin_client: FlaskClient = login_as(admin)
    employee_id, employee_email = employee.id, employee.email
    before = headcounts(db)
    assert admin_client.post("/admin/users/new", data=person_form()).status_code == 303
    after_create = headcounts(db)
    assert after_create["Claims"] == before.get("Claims", 0) + 1
    moved = person_form(email=employee_email, display_name="Emery Employee")
    assert admin_client.post(f"/admin/users/{employee_id}/edit", data=moved).status_code == 303
    after_move = headcounts(db)
    assert after_move["Claims"] == after_create["Claims"] + 1
    assert admin_client.post(f"/admin/users/{employee_id}/deactivate").status_code == 303
    assert headcounts(db)["Claims"] == after_create["Claims"]
    assert admin_client.post(f"/admin/users/{employee_id}/reactivate").status_code == 303
    assert headcounts(db) == after_move


def test_the_csv_import_keeps_the_headcounts(
    db: Session, admin: User, make_user: UserFactory
) -> None:
    make_user("rep@example.com", department="Claims")
    apply_import(db, admin, CLEAN, base_url="http://portal.test", invitation_days=7)
    db.commit()
    counts = headcounts(db)
    assert (counts["Contact Centre"], counts["Leadership"]) == (2, 1)
    moved = CLEAN.replace("Agent,Contact Centre", "Agent,Leadership")
    apply_import(db, admin, moved, base_url="http://portal.test", invitation_days=7)
    db.commit()
    counts = headcounts(db)
    assert (counts["Contact Centre"], counts["Leadership"]) == (1, 2)
