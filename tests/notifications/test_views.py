"""The bell, opening notifications, mark all read and the email preference, through HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Delivery, User
from portal.notifications.models import Notification
from portal.notifications.services import notify

SignIn = Callable[[User], FlaskClient]


def tell(db: Session, user: User, link: str = "/people", message: str = "News") -> int:
    notify(db, [user.id], message, link, base_url="http://portal.test")
    db.flush()
    newest = db.scalars(select(Notification.id).order_by(Notification.id.desc())).first()
    db.commit()
    return newest


def unread(db: Session, user: User) -> int:
    db.expire_all()
    total = len(
        db.scalars(
            select(Notification).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        ).all()
    )
    db.commit()
    return total


def test_bell_shows_the_unread_count(login_as: SignIn, db: Session, employee: User) -> None:
    client = login_as(employee)
    assert "data-unread-count" not in client.get("/").get_data(as_text=True)
    tell(db, employee, "/ideas/1")
    tell(db, employee, "/ideas/2")
    tell(db, employee, "/ideas/2")
    body = client.get("/").get_data(as_text=True)
    # Two entries on the notifications page, as the bell counts them (one per link).
    assert '<span class="count" data-unread-count>2</span>' in body


def test_opening_marks_read_and_follows_a_local_link(
    login_as: SignIn, db: Session, employee: User
) -> None:
    client = login_as(employee)
    notification_id = tell(db, employee, "/people/1")
    response = client.post(f"/notifications/{notification_id}/open")
    assert response.status_code == 303
    assert response.headers["Location"] == "/people/1"
    assert unread(db, employee) == 0


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example", "javascript:x()"])
def test_opening_never_leaves_the_site(
    login_as: SignIn, db: Session, employee: User, link: str
) -> None:
    client = login_as(employee)
    notification_id = tell(db, employee, link)
    response = client.post(f"/notifications/{notification_id}/open")
    assert response.headers["Location"] == "/notifications"


def test_someone_elses_notification_is_404(
    login_as: SignIn, db: Session, employee: User, manager: User
) -> None:
    notification_id = tell(db, manager)
    assert login_as(employee).post(f"/notifications/{notification_id}/open").status_code == 404
    assert unread(db, manager) == 1


def test_mark_all_read(login_as: SignIn, db: Session, employee: User) -> None:
    client = login_as(employee)
    tell(db, employee)
    tell(db, employee)
    assert "Mark all as read" in client.get("/notifications").get_data(as_text=True)
    assert client.post("/notifications/read-all").status_code == 303
    assert unread(db, employee) == 0


def test_preferences_page_saves_the_choice(login_as: SignIn, db: Session, employee: User) -> None:
    client = login_as(employee)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "<legend>Email about notifications</legend>" in page
    response = client.post("/account/notifications", data={"delivery": "daily"})
    assert response.status_code == 303
    db.expire_all()
    assert db.get(User, employee.id).notification_delivery is Delivery.DAILY
    db.commit()
    assert '<input checked id="delivery-1"' in client.get("/account/notifications").get_data(
        as_text=True
    )


def test_an_unknown_choice_is_refused(login_as: SignIn, db: Session, employee: User) -> None:
    client = login_as(employee)
    response = client.post("/account/notifications", data={"delivery": "hourly"})
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, employee.id).notification_delivery is Delivery.IMMEDIATE


def test_bell_shows_on_a_page_drawn_after_a_form_post(
    login_as: SignIn, db: Session, employee: User
) -> None:
    client = login_as(employee)
    tell(db, employee)
    response = client.post("/ideas/new", data={"title": "Too short a form"})
    assert response.status_code == 200
    assert '<span class="count" data-unread-count>1</span>' in response.get_data(as_text=True)
