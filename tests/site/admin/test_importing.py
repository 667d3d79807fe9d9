"""The org-chart CSV import: every mistake reported by line, nothing applied until clean."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.accounts.models import Department, InvitationToken, Role, User
from portal.accounts.services.people import NO_ADMIN_LEFT, OWN_ROLE
from portal.core.audit import AuditEntry
from portal.core.db import Database
from portal.core.errors import Conflict, DomainError
from portal.core.mail import OutboxMessage
from portal.site.admin.importing.apply import apply_import
from portal.site.admin.importing.preview import preview_import
from portal.site.admin.importing.upload import decode_upload, pack_upload, unpack_upload
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


def problems_by_line(
    session: Session, text: str, actor: User | None = None
) -> dict[int, list[str]]:
    preview = preview_import(session, text, actor)
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


CYRILLIC_A = "\u0430"


def test_addresses_are_stored_in_nfkc_form(db: Session) -> None:
    text = HEADER + "\uff52\uff49\uff54\uff41@Example.com,Rita,,,,\n"
    apply_import(db, None, text, base_url="http://portal.test", invitation_days=7)
    assert db.scalars(select(User.email)).one() == "rita@example.com"


def test_look_alikes_of_people_in_the_portal_or_in_the_file_are_refused(
    db: Session, make_user: UserFactory
) -> None:
    make_user("all@example.com")
    text = HEADER + (
        "al1@example.com,Al One,,,,\n"  # 2: like someone in the portal
        "all@example.com,All,,,,\n"  # 3: that person, updated
        "rnike@example.com,Mike One,,,,\n"  # 4
        "mike@example.com,Mike Two,,,,\n"  # 5: like line 4
        f"m{CYRILLIC_A}ria@example.com,Maria,,,,\n"  # 6: Latin and Cyrillic
    )
    problems = problems_by_line(db, text)
    assert problems[2] == [
        "al1@example.com looks too much like all@example.com, the address of someone already "
        "in the portal."
    ]
    assert problems[5] == ["mike@example.com looks too much like rnike@example.com on line 4."]
    assert problems[6] == [
        f"“m{CYRILLIC_A}ria” mixes Cyrillic and Latin letters, so it can look like another "
        "address. Type it in one script."
    ]
    assert set(problems) == {2, 5, 6}


def test_a_control_character_in_a_cell_is_reported(db: Session) -> None:
    text = HEADER + "tab@example.com,Tab\x0bby,,,,\n"
    assert problems_by_line(db, text) == {2: ["The name has a control character (U+000B)."]}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("email,name\n\xe9".encode("latin-1"), "The file is not UTF-8 text."),
        (HEADER.encode("utf-16"), "The file is saved as UTF-16 text."),
        (HEADER.encode("utf-16-le"), "The file is not a text file: it contains NUL bytes."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "The file is not UTF-8 text."),
        (b"email,name\x00,title\n", "The file is not a text file: it contains NUL bytes."),
    ],
    ids=["latin-1", "utf-16 with bom", "utf-16 without bom", "binary", "nul byte"],
)
def test_a_file_that_is_not_utf8_text_is_refused_with_a_reason(raw: bytes, message: str) -> None:
    with pytest.raises(DomainError) as caught:
        decode_upload(raw)
    assert caught.value.field == "file"
    assert caught.value.message.startswith(message)
    assert "Save it as “CSV UTF-8”" in caught.value.message


def test_utf8_with_or_without_bom_is_read() -> None:
    assert decode_upload(("\ufeff" + HEADER).encode()) == HEADER
    assert decode_upload(HEADER.encode()) == HEADER


def test_a_field_over_the_csv_limit_is_a_file_problem(db: Session) -> None:
    text = HEADER + "ok@example.com,Ok,,,,\n" + "big@example.com," + "x" * 200_000 + ",,,,\n"
    preview = preview_import(db, text)
    assert not preview.is_clean
    assert preview.file_problems == [
        "Line 3: a field is longer than 131,072 characters, so the file was not read past it."
    ]


def test_a_file_with_too_many_rows_is_refused(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("portal.site.admin.importing.preview.MAX_ROWS", 3)
    text = HEADER + "".join(f"p{n}@example.com,P {n},,,,\n" for n in range(5))
    assert preview_import(db, text).file_problems == [
        "The file has more than 3 people; split it up."
    ]


def test_the_importing_admin_cannot_change_their_own_role(
    db: Session, admin: User, make_user: UserFactory
) -> None:
    make_user("second.admin@example.com", role=Role.ADMIN)
    demoting_myself = HEADER + "admin@example.com,Avery Admin,,,,manager\n"
    assert problems_by_line(db, demoting_myself, admin) == {2: [OWN_ROLE]}
    keeping_my_role = HEADER + "admin@example.com,Avery Admin,Boss,,,admin\n"
    assert preview_import(db, keeping_my_role, admin).is_clean


def test_a_file_that_leaves_no_active_admin_is_refused(db: Session, admin: User) -> None:
    text = HEADER + "admin@example.com,Avery Admin,,,,employee\n"
    preview = preview_import(db, text)  # the command line: no importing admin
    assert preview.file_problems == [NO_ADMIN_LEFT]
    with pytest.raises(DomainError, match="nothing was imported"):
        apply_import(db, None, text, base_url="http://portal.test", invitation_days=7)
    handover = text + "heir@example.com,Heir,,,,admin\n"
    assert preview_import(db, handover).is_clean


def test_each_role_change_is_audited_with_who_from_and_to(
    db: Session, admin: User, make_user: UserFactory
) -> None:
    make_user("rising@example.com")
    make_user("same@example.com")
    text = HEADER + (
        "rising@example.com,Rising,,,,manager\n"
        "same@example.com,Same,,,,\n"
        "newboss@example.com,New Boss,,,,admin\n"
        "newbie@example.com,Newbie,,,,\n"
    )
    apply_import(db, admin, text, base_url="http://portal.test", invitation_days=7)
    audits = db.execute(
        select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.target, AuditEntry.detail)
        .where(AuditEntry.action != "org_chart_imported")
        .order_by(AuditEntry.id)
    ).all()
    assert [tuple(row) for row in audits] == [
        (
            "user_updated",
            admin.id,
            "rising@example.com",
            "role employee → manager (org-chart import)",
        ),
        ("user_created", admin.id, "newboss@example.com", "role none → admin (org-chart import)"),
    ]


def test_the_preview_counts_new_changed_and_unchanged_and_says_what_changes(
    db: Session, make_user: UserFactory
) -> None:
    make_user("same@example.com", name="Same Person", department="Claims")
    make_user("moved@example.com", name="Moved Person", department="Claims")
    text = HEADER + (
        "same@example.com,Same Person,Representative,Claims,,\n"
        "moved@example.com,Moved Person,Representative,Billing,,manager\n"
        "new@example.com,New Person,,,,\n"
    )
    preview = preview_import(db, text)
    assert (preview.count("create"), preview.changed_count, preview.unchanged_count) == (1, 1, 1)
    moved = preview.rows[1]
    assert moved.changes == ["department: Claims → Billing", "role: employee → manager"]
    assert [row.email for row in preview.first_changes()] == [
        "moved@example.com",
        "new@example.com",
    ]


def test_the_preview_lists_only_the_first_hundred_problems(db: Session) -> None:
    text = HEADER + "".join(f"p{n}@example.com,,,,,\n" for n in range(250))
    preview = preview_import(db, text)
    assert preview.problem_count == 250
    shown = preview.first_problems()
    assert len(shown) == 100
    assert (shown[0].line, shown[0].email, shown[0].message) == (
        2,
        "p0@example.com",
        "Name is missing.",
    )


def test_a_packed_upload_comes_back_whole_and_a_damaged_one_is_refused() -> None:
    assert unpack_upload(pack_upload(CLEAN), 10_000) == CLEAN
    for damaged in ("not base64 at all!", pack_upload(CLEAN)[:-8], "é", ""):
        with pytest.raises(DomainError, match="could not be read"):
            unpack_upload(damaged, 10_000)


def test_a_packed_upload_cannot_inflate_past_the_upload_limit() -> None:
    bomb = pack_upload("x" * 1_000_000)
    assert len(bomb) < 5_000
    with pytest.raises(DomainError, match="could not be read"):
        unpack_upload(bomb, 100_000)
