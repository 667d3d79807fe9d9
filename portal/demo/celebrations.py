"""Celebrations and a few congratulations under the approved awards already in the demo, so
the wall looks lived in from the first visit."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.recognition.models import AwardComment, Celebration, Nomination, NominationStatus

COMMENTS = (
    "Well deserved!",
    "Congratulations, this is exactly the service we want to give.",
    "So glad to see this recognised.",
    "The customer was lucky to get you. Well done!",
    "Brilliant work, thank you for setting the bar.",
    "I heard about this call. Amazing patience.",
    "Bravo! Great example for the whole team.",
    "Thank you for making our members feel looked after.",
)
MAX_CELEBRATIONS = 9
# Who may celebrate: the first people by id, enough for a believable crowd on a large demo.
CROWD = 200


def add_celebrations(session: Session, *, seed: int = 2026) -> int:
    """Celebrate each approved award by a few colleagues (never twice by one person, never by
    the nominee), and comment on about a third; returns how many celebrations were added."""
    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
    people = list(
        session.scalars(select(User.id).where(User.active.is_(True)).order_by(User.id).limit(CROWD))
    )
    awards = session.execute(
        select(Nomination.id, Nomination.nominee_id, Nomination.nominator_id, Nomination.decided_at)
        .where(Nomination.status == NominationStatus.APPROVED)
        .order_by(Nomination.id)
    ).all()
    taken = {
        (row.nomination_id, row.user_id)
        for row in session.execute(select(Celebration.nomination_id, Celebration.user_id))
    }
    added = 0
    for award in awards:
        crowd = [person for person in people if person != award.nominee_id]
        if not crowd:
            continue
        decided = award.decided_at
        size = rng.randint(1, min(MAX_CELEBRATIONS, len(crowd)))
        for person in rng.sample(crowd, size):
            if (award.id, person) in taken:
                continue
            taken.add((award.id, person))
            minutes = rng.randint(5, 60 * 48)
            session.add(
                Celebration(
                    nomination_id=award.id,
                    user_id=person,
                    created_at=decided + timedelta(minutes=minutes),
                )
            )
            added += 1
        if rng.random() < 0.35:
            for number in range(rng.randint(1, 2)):
                session.add(
                    AwardComment(
                        nomination_id=award.id,
                        author_id=rng.choice(crowd),
                        body=rng.choice(COMMENTS),
                        created_at=decided + timedelta(hours=2 + number * 5),
                    )
                )
    session.flush()
    return added
