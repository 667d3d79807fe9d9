"""Telling many people costs the same statements as telling a few."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.accounts.models import Delivery
from portal.core.mail import OutboxMessage
from portal.notifications.models import Notification
from portal.notifications.services import notify

BASE = "http://portal.test"


def test_notify_runs_the_same_statements_for_5_and_500_people(db, make_user, count_statements):
    people = [make_user() for _ in range(500)]
    people[0].notification_delivery = Delivery.DAILY
    db.commit()

    def tell(group) -> int:
        with count_statements() as counter:
            notify(db, [person.id for person in group], "News", "/ideas/1", base_url=BASE)
            db.flush()
        return counter.count

    assert tell(people[:5]) == tell(people)
    db.commit()
    assert db.scalar(select(func.count()).select_from(Notification)) == 505
    # The digest reader gets no immediate email; everyone else one each time.
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 503
    emailed = db.scalar(select(OutboxMessage).where(OutboxMessage.recipient == people[1].email))
    assert emailed.subject == "News" and emailed.body == "News\n\nhttp://portal.test/ideas/1\n"
