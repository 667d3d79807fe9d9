"""Notifications honour each person's email choice and never reach the actor or inactive people."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.accounts.models import Delivery, User
from portal.core.errors import NotFound
from portal.core.mail import OutboxMessage
from portal.notifications.models import Notification
from portal.notifications.services import (
    mark_all_read,
    mark_read,
    notify,
    send_daily_digests,
    set_delivery,
)
from portal.site.layout import get_layout_facts
from tests.conftest import UserFactory

BASE_URL = "http://portal.test/"


def unread(db: Session, user_id: int) -> int:
    return get_layout_facts(db, user_id).unread


def with_delivery(make_user: UserFactory, email: str, delivery: Delivery, db: Session) -> User:
    user = make_user(email)
    user.notification_delivery = delivery
    db.commit()
    return user


def mails(db: Session) -> list[tuple[str, str, str]]:
    return [
        (message.recipient, message.subject, message.body)
        for message in db.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    ]


def test_each_person_gets_email_as_they_chose(db: Session, make_user: UserFactory) -> None:
    now = with_delivery(make_user, "now@example.com", Delivery.IMMEDIATE, db)
    daily = with_delivery(make_user, "daily@example.com", Delivery.DAILY, db)
    never = with_delivery(make_user, "never@example.com", Delivery.NONE, db)
    told = notify(
        db, [now.id, daily.id, never.id], "Your idea was approved", "/ideas/7", base_url=BASE_URL
    )
    assert told == 3
    assert mails(db) == [
        (
            "now@example.com",
            "Your idea was approved",
            "Your idea was approved\n\nhttp://portal.test/ideas/7\n",
        )
    ]
    assert all(unread(db, user.id) == 1 for user in (now, daily, never))

    assert send_daily_digests(db, BASE_URL) == 1
    recipient, subject, body = mails(db)[-1]
    assert recipient == "daily@example.com"
    assert subject == "Your daily portal digest (1 new)"
    assert "Your idea was approved" in body and "http://portal.test/ideas/7" in body
    assert send_daily_digests(db, BASE_URL) == 0
    assert len(mails(db)) == 2


def test_switching_from_none_to_daily_does_not_mail_old_news(
    db: Session, make_user: UserFactory
) -> None:
    person = with_delivery(make_user, "quiet@example.com", Delivery.NONE, db)
    notify(db, [person.id], "Old news", "/", base_url=BASE_URL)
    set_delivery(db, person, Delivery.DAILY)
    assert send_daily_digests(db, BASE_URL) == 0
    notify(db, [person.id], "Fresh news", "/", base_url=BASE_URL)
    assert send_daily_digests(db, BASE_URL) == 1
    assert "Old news" not in mails(db)[-1][2]


def test_never_the_actor_nor_inactive_people(db: Session, make_user: UserFactory) -> None:
    actor = make_user("actor@example.com")
    gone = make_user("gone@example.com", active=False)
    assert notify(db, [actor.id, gone.id], "Hi", "/", base_url=BASE_URL, actor_id=actor.id) == 0
    assert db.scalar(select(func.count()).select_from(Notification)) == 0
    assert mails(db) == []


def test_a_multi_line_message_still_makes_a_one_line_subject(db: Session, employee: User) -> None:
    notify(db, [employee.id], "First line\nSecond line", "/", base_url=BASE_URL)
    assert mails(db)[0][1] == "First line Second line"


def test_mark_read_only_for_the_owner(db: Session, employee: User, manager: User) -> None:
    notify(db, [employee.id, manager.id], "News", "/", base_url=BASE_URL)
    mine = db.scalars(select(Notification).where(Notification.user_id == employee.id)).one()
    with pytest.raises(NotFound):
        mark_read(db, manager, mine.id)
    mark_read(db, employee, mine.id)
    assert unread(db, employee.id) == 0
    mark_all_read(db, manager)
    assert unread(db, manager.id) == 0
