"""The command line: org-chart import, demo data, digests."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from portal.accounts.models import Delivery, Department, Role, User
from portal.core.mail import OutboxMessage
from portal.demo.organisation import DEMO_PASSWORD
from portal.notifications.services import notify
from tests.conftest import UserFactory, login
from tests.site.admin.test_importing import CLEAN, HEADER, MISTAKES


def people_count(db: Session) -> int:
    total = db.scalar(select(func.count()).select_from(User)) or 0
    db.commit()
    return total


def csv_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def test_import_reports_every_mistake_and_applies_nothing(
    app: Flask, db: Session, tmp_path: Path
) -> None:
    result = runner(app).invoke(args=["users", "import", csv_file(tmp_path, MISTAKES)])
    assert result.exit_code == 1
    assert "line 4: Unknown manager: no one has the email ghost@example.com." in result.output
    assert "line 12: Duplicate: twice@example.com is also on line 11." in result.output
    assert "nothing was imported" in result.output
    assert people_count(db) == 0


def test_a_file_that_is_not_utf8_is_refused_clearly(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes((HEADER + "zoé@example.com,Zoé,,,,\n").encode("latin-1"))
    result = runner(app).invoke(args=["users", "import", str(path)])
    assert result.exit_code == 1
    assert "The file is not UTF-8 text." in result.output


def test_a_utf16_file_is_refused_clearly(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "unicode.csv"
    path.write_bytes(CLEAN.encode("utf-16"))
    result = runner(app).invoke(args=["users", "import", str(path)])
    assert result.exit_code == 1
    assert "The file is saved as UTF-16 text." in result.output


def test_an_import_that_leaves_no_active_admin_is_refused(
    app: Flask, db: Session, make_user: UserFactory, tmp_path: Path
) -> None:
    make_user("admin@example.com", role=Role.ADMIN)
    text = HEADER + "admin@example.com,Avery Admin,,,,manager\n"
    result = runner(app).invoke(args=["users", "import", csv_file(tmp_path, text)])
    assert result.exit_code == 1
    assert "That would leave the portal without an active admin." in result.output
    admin = db.scalars(select(User).where(User.email == "admin@example.com")).one()
    assert admin.role is Role.ADMIN


def test_dry_run_changes_nothing(app: Flask, db: Session, tmp_path: Path) -> None:
    result = runner(app).invoke(args=["users", "import", "--dry-run", csv_file(tmp_path, CLEAN)])
    assert result.exit_code == 0, result.output
    assert "3 to create, 0 to change, 0 unchanged." in result.output
    assert people_count(db) == 0


def test_import_with_progress_bar_then_reimport_updates(
    app: Flask, db: Session, tmp_path: Path
) -> None:
    path = csv_file(tmp_path, CLEAN)
    result = runner(app).invoke(args=["users", "import", path])
    assert result.exit_code == 0, result.output
    assert "Importing" in result.output
    assert "Import done" in result.output
    assert people_count(db) == 3
    again = runner(app).invoke(args=["users", "import", path])
    assert "0 to create, 0 to change, 3 unchanged." in again.output
    assert people_count(db) == 3
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 3


def test_large_file_from_the_command_line(app: Flask, db: Session, tmp_path: Path) -> None:
    rows = [f"p{n}@example.com,Person {n},Agent,Dept {n % 9},,\n" for n in range(4000)]
    result = runner(app).invoke(
        args=["users", "import", csv_file(tmp_path, HEADER + "".join(rows))]
    )
    assert result.exit_code == 0, result.output
    assert people_count(db) == 4000


def contract_people(db: Session) -> dict[str, tuple[Role, str | None, str | None]]:
    boss = aliased(User)
    rows = db.execute(
        select(User.email, User.role, boss.email, Department.name)
        .outerjoin(boss, User.manager_id == boss.id)
        .outerjoin(Department, User.department_id == Department.id)
    ).all()
    db.commit()
    return {email: (role, manager, department) for email, role, manager, department in rows}


def test_demo_load_creates_the_design_accounts(app: Flask, db: Session) -> None:
    result = runner(app).invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    people = contract_people(db)
    assert people["admin@example.com"][:2] == (Role.ADMIN, None)
    assert people["director@example.com"] == (Role.MANAGER, None, "Customer Experience")
    assert people["manager@example.com"][:2] == (Role.MANAGER, "director@example.com")
    assert people["employee@example.com"][:2] == (Role.EMPLOYEE, "manager@example.com")
    assert people["colleague@example.com"][:2] == (Role.EMPLOYEE, "manager@example.com")
    assert len(people) >= 30
    assert len({department for _, _, department in people.values()}) >= 5
    for email in ("admin@example.com", "employee@example.com"):
        assert login(app.test_client(), email, DEMO_PASSWORD).status_code == 303


def test_demo_load_if_empty_twice_changes_nothing(app: Flask, db: Session) -> None:
    assert runner(app).invoke(args=["demo", "load", "--if-empty"]).exit_code == 0
    before = people_count(db)
    second = runner(app).invoke(args=["demo", "load", "--if-empty"])
    assert second.exit_code == 0
    assert "not loaded again" in second.output
    assert people_count(db) == before
    assert runner(app).invoke(args=["demo", "load"]).exit_code == 1


def test_daily_digest_command(app: Flask, db: Session, make_user: UserFactory) -> None:
    reader = make_user("reader@example.com")
    reader.notification_delivery = Delivery.DAILY
    notify(db, [reader.id], "Your idea was approved", "/ideas/1", base_url="http://portal.test")
    db.commit()
    result = runner(app).invoke(args=["notifications", "digest"])
    assert result.exit_code == 0, result.output
    assert "1 digest(s) queued." in result.output
    assert runner(app).invoke(args=["notifications", "digest"]).output == "0 digest(s) queued.\n"
