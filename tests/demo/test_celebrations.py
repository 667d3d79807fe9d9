"""Demo celebrations: believable, one per person per award, never by the nominee, repeatable."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.demo.celebrations import add_celebrations
from portal.recognition.models import AwardComment, Celebration, Nomination
from tests.recognition.conftest import Org, cycle, org, spot  # noqa: F401 - fixtures
from tests.recognition.test_social import approved as approve


def test_the_demo_wall_gets_celebrations_and_comments(db, org: Org, spot, cycle, make_user):  # noqa: F811
    for number in range(6):
        approve(db, org, spot, nominee=make_user(f"n{number}@example.com", manager=org.manager))
    approve(db, org, spot)
    approved = 7
    added = add_celebrations(db)
    db.commit()
    assert added == db.scalar(select(func.count()).select_from(Celebration)) >= approved
    celebrated = set(db.scalars(select(Celebration.nomination_id)))
    assert len(celebrated) == approved
    by_nominee = db.scalar(
        select(func.count())
        .select_from(Celebration)
        .join(Nomination, Nomination.id == Celebration.nomination_id)
        .where(Celebration.user_id == Nomination.nominee_id)
    )
    assert by_nominee == 0
    assert db.scalar(select(func.count()).select_from(AwardComment)) > 0
    # Running it again adds only celebrations nobody made yet: never a duplicate.
    add_celebrations(db, seed=7)
    db.commit()
    pairs = db.execute(select(Celebration.nomination_id, Celebration.user_id)).all()
    assert len(pairs) == len(set(pairs))
