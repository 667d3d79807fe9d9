"""The notifications list groups what points at one place into one entry, and stays paged by
key with a fixed number of statements."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.notifications.queries import list_notifications
from tests.notifications.test_views import SignIn, tell, unread


def test_repeated_updates_of_one_idea_are_one_entry(
    login_as: SignIn, db: Session, employee: User
) -> None:
    tell(db, employee, "/ideas/7", "Your idea is under review.")
    tell(db, employee, "/people/3", "Someone else.")
    tell(db, employee, "/ideas/7", "Your idea was approved.")
    latest = tell(db, employee, "/ideas/7", "Your idea was implemented.")
    page = list_notifications(db, employee.id, cursor=None, limit=10)
    assert [(entry.message, entry.earlier, entry.unread) for entry in page.items] == [
        ("Your idea was implemented.", 2, True),
        ("Someone else.", 0, True),
    ]
    db.commit()
    body = login_as(employee).get("/notifications").get_data(as_text=True)
    assert body.count('class="earlier"') == 1
    assert "and 2 earlier updates" in body and "Your idea is under review." not in body
    # Opening the entry reads the whole group.
    client = login_as(employee)
    assert client.post(f"/notifications/{latest}/open").status_code == 303
    assert unread(db, employee) == 1
    page = list_notifications(db, employee.id, cursor=None, limit=10)
    assert [entry.unread for entry in page.items] == [False, True]


def test_notifications_without_a_link_stand_alone(db: Session, employee: User) -> None:
    tell(db, employee, "", "One.")
    tell(db, employee, "", "Two.")
    page = list_notifications(db, employee.id, cursor=None, limit=10)
    assert [entry.message for entry in page.items] == ["Two.", "One."]


def test_groups_page_by_key_in_one_statement(db: Session, employee: User, count_statements) -> None:
    for number in range(5):
        tell(db, employee, f"/ideas/{number}", "First.")
        tell(db, employee, f"/ideas/{number}", "Second.")
    with count_statements() as counter:
        first = list_notifications(db, employee.id, cursor=None, limit=3)
    assert counter.count == 1
    assert [entry.link for entry in first.items] == ["/ideas/4", "/ideas/3", "/ideas/2"]
    second = list_notifications(db, employee.id, cursor=first.next_cursor, limit=3)
    assert [entry.link for entry in second.items] == ["/ideas/1", "/ideas/0"]
    assert second.next_cursor is None
