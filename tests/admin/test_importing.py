"""The org-chart CSV import: every mistake reported by line, nothing applied until clean."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.accounts.models import Department, InvitationToken, Role, User
from portal.admin.importing import apply_import, preview_import
from portal.audit import AuditEntry
from portal.db import Database
from portal.errors import Conflict, DomainError
from portal.mail import OutboxMessage
from tests.conftest import UserFactory

HEADER = "email,name,title,department,manager_email,role\n"

MISTAKES = HEADER + (
    "not-an-email,Bad Email,,Claims,,\n"  # 2
    ",No Email,,Claims,,\n"  # 3
    "orphan@example.com,Orphan,,Claims,ghost@example.com,\n"  # 4
    "a@example.com,Ann,,Claims,b@example.com,\n"  # 5
    "b@example.com,Bea,,Claims,a@example.com,\n"  # 6
    "c@example.com,Cy,,Claims,d@example.com,\n"  # 7
    "d@example.com,Di,,Claims,e@example.com,\n"  # 8
    "e@example.com,Ed,,Claims,c@example.com,\n"  # 9
    "self@example.com,Selma,,Claims,self@example.com,\n"  # 10
    "twice@example.com,Twice,,Claims,,\n"  # 11
    "TWICE@example.com,Twice Again,,Claims,,\n"  # 12
    "noname@example.com,,,Claims,,\n"  # 13
    "boss@example.com,Boss,,Claims,,emperor\n"  # 14
    "fine@example.com,Fine Person,,Claims,,\n"  # 15
)

CLEAN = HEADER + (
    "rep@example.com,Rita Rep,Agent,Contact Centre,lead@example.com,\n"
    "lead@example.com,Lee Lead,Team lead,Contact Centre,head@example.com,manager\n"
    "head@example.com,Hana Head,Director,Leadership,,admin\n"
)


def problems_by_line(session: Session, text: str) -> dict[int, list[str]]:
    preview = preview_import(session, text)
    return {row.line: row.problems for row in preview.rows if row.problems}


def count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_every_mistake_is_reported_by_line(db: Session) -> None:
    problems = problems_by_line(db, MISTAKES)
    assert "“not-an-email” is not a valid email address." in problems[2]
    assert "Email is missing." in problems[3]
    assert problems[4] == ["Unknown manager: no one has the email ghost@example.com."]
    for line in (5, 6, 7, 8, 9):
        assert any(problem.startswith("Loop:") for problem in problems[line]), line
    assert "a@example.com → b@example.com → a@example.com" in problems[5][0]
    assert problems[10] == ["Loop: a person cannot be their own manager."]
    assert problems[12] == ["Duplicate: twice@example.com is also on line 11."]
    assert problems[13] == ["Name is missing."]
    assert problems[14] == ["Role “emperor” is not one of employee, manager, admin."]
    assert 11 not in problems and 15 not in problems


def test_a_file_with_mistakes_applies_nothing(db: Session, admin: User) -> None:
    with pytest.raises(DomainError, match="nothing was imported"):
        apply_import(db, admin, MISTAKES, base_url="http://portal.test", invitation_days=7)
    db.rollback()
    assert count(db, User) == 1
    assert count(db, OutboxMessage) == 0


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "The file is empty."),
        ("email,name,title,department,role\nx@example.com,X,,,\n", "manager_email"),
        (HEADER, "The file has a header but no people."),
    ],
)
def test_file_problems(db: Session, text: str, problem: str) -> None:
    preview = preview_import(db, text)
    assert not preview.is_clean
    assert problem in " ".join(preview.file_problems)


def test_clean_file_previews_without_changing_anything(db: Session) -> None:
    preview = preview_import(db, CLEAN)
    assert preview.is_clean
    assert (preview.count("create"), preview.count("update")) == (3, 0)
    assert count(db, User) == 0


def test_clean_file_creates_people_departments_managers_and_invitations(
    db: Session, admin: User
) -> None:
    apply_import(db, admin, CLEAN, base_url="http://portal.test", invitation_days=7)
    db.commit()
    people = {user.email: user for user in db.scalars(select(User))}
    departments = dict(db.execute(select(Department.id, Department.name)).all())
    rep, lead, head = (people[f"{name}@example.com"] for name in ("rep", "lead", "head"))
    assert rep.manager_id == lead.id and lead.manager_id == head.id and head.manager_id is None
    assert departments[rep.department_id] == "Contact Centre"
    assert departments[head.department_id] == "Leadership"
    assert (rep.role, lead.role, head.role) == (Role.EMPLOYEE, Role.MANAGER, Role.ADMIN)
    assert rep.job_title == "Agent" and rep.password_hash is None
    recipients = sorted(db.scalars(select(OutboxMessage.recipient)))
    assert recipients == ["head@example.com", "lead@example.com", "rep@example.com"]
    assert count(db, InvitationToken) == 3
    audit = db.scalars(select(AuditEntry).where(AuditEntry.action == "org_chart_imported")).one()
    assert audit.detail == "3 created, 0 updated"


def test_reimport_updates_instead_of_duplicating(
    db: Session, admin: User, make_user: UserFactory
) -> None:
    make_user("rep@example.com", name="Old Name")
    apply_import(db, admin, CLEAN, base_url="http://portal.test", invitation_days=7)
    db.commit()
    changed = CLEAN.replace("Rita Rep,Agent", "Rita Renamed,Senior agent")
    preview = apply_import(db, admin, changed, base_url="http://portal.test", invitation_days=7)
    db.commit()
    assert preview.count("update") == 3
    assert count(db, User) == 4
    rep = db.scalars(select(User).where(User.email == "rep@example.com")).one()
    assert (rep.display_name, rep.job_title) == ("Rita Renamed", "Senior agent")
    # Only the two people new to the portal were invited, and only once.
    assert sorted(db.scalars(select(OutboxMessage.recipient))) == [
        "head@example.com",
        "lead@example.com",
    ]


def test_a_loop_through_people_already_in_the_portal_is_found(
    db: Session, make_user: UserFactory
) -> None:
    top = make_user("top@example.com")
    make_user("under@example.com", manager=top)
    text = HEADER + "top@example.com,Top,,,under@example.com,\n"
    assert problems_by_line(db, text)[2][0].startswith("Loop: top@example.com → under@example.com")


def test_two_missing_emails_are_not_duplicates(db: Session) -> None:
    problems = problems_by_line(db, HEADER + ",One,,,,\n,Two,,,,\n")
    assert problems == {2: ["Email is missing."], 3: ["Email is missing."]}


def test_empty_lines_are_ignored_and_line_numbers_stay_true(db: Session) -> None:
    text = HEADER + "\nx@example.com,X,,,,\n\nbad,Y,,,,\n"
    assert list(problems_by_line(db, text)) == [5]


def test_a_few_thousand_rows_import(db: Session, count_statements) -> None:
    rows = ["boss0@example.com,Boss Zero,Director,Head office,,manager"]
    rows += [
        f"person{n}@example.com,Person {n},Agent,Dept {n % 7},boss{n // 50}@example.com,"
        for n in range(1, 3000)
    ]
    rows += [
        f"boss{n}@example.com,Boss {n},Lead,Head office,boss0@example.com,manager"
        for n in range(1, 60)
    ]
    text = HEADER + "\n".join(rows) + "\n"
    ticks: list[int] = []
    preview = apply_import(
        db, None, text, base_url="http://portal.test", invitation_days=7, progress=ticks.append
    )
    db.commit()
    assert preview.count("create") == len(rows)
    assert sum(ticks) == len(rows)
    assert count(db, User) == len(rows)
    assert count(db, OutboxMessage) == len(rows)
    person = db.scalars(select(User).where(User.email == "person2999@example.com")).one()
    boss = db.scalars(select(User).where(User.email == "boss59@example.com")).one()
    assert person.manager_id == boss.id


def test_manager_already_in_the_portal_but_not_in_the_file(
    db: Session, make_user: UserFactory
) -> None:
    boss = make_user("boss@example.com", role=Role.MANAGER)
    text = HEADER + "new@example.com,New Person,,,BOSS@example.com,\n"
    apply_import(db, None, text, base_url="http://portal.test", invitation_days=7)
    db.commit()
    new = db.scalars(select(User).where(User.email == "new@example.com")).one()
    assert new.manager_id == boss.id


def test_a_deactivated_manager_is_refused_only_as_a_new_choice(
    db: Session, make_user: UserFactory
) -> None:
    boss = make_user("boss@example.com", role=Role.MANAGER, active=False)
    make_user("report@example.com", manager=boss)
    text = HEADER + (
        "report@example.com,Report,,,boss@example.com,\n"
        "newbie@example.com,Newbie,,,boss@example.com,\n"
    )
    assert problems_by_line(db, text) == {3: ["Manager boss@example.com is deactivated."]}


def test_two_simultaneous_imports_never_duplicate_nor_crash(
    db: Session, database: Database
) -> None:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run_import() -> None:
        with database.write_sessions() as session:
            barrier.wait()
            try:
                apply_import(session, None, CLEAN, base_url="http://portal.test", invitation_days=7)
                session.commit()
                outcomes.append("imported")
            except Conflict:
                session.rollback()
                outcomes.append("conflict")

    threads = [threading.Thread(target=run_import) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2 and "imported" in outcomes
    assert count(db, User) == 3
    assert count(db, OutboxMessage) == 3
