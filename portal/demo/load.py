"""`flask demo load`: the small demo, loaded through the services as people would make it."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.db import utcnow
from portal.demo.celebrations import add_celebrations
from portal.demo.ideas import load_demo_ideas
from portal.demo.nominations import load_demo_nominations
from portal.demo.organisation import load_demo_people
from portal.demo.recognition import DemoCycles, load_recognition_demo
from portal.leaderboards.rollups import rebuild_rollups
from portal.reviews.models import ReviewCycle, ReviewPacket
from portal.reviews.services import close_cycle

ADMIN = "admin@example.com"
CLOSED_AFTER_DAYS = 14  # the admin closed last half-year's cycle two weeks after it ended


def database_is_empty(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(User)) == 0


def _close_earlier_cycle(session: Session, cycles: DemoCycles) -> None:
    """Close last half-year's cycle, freezing its packets, as the admin did back then."""
    admin = session.scalars(select(User).where(User.email == ADMIN)).one()
    cycle = cycles.earlier
    close_cycle(session, admin, cycle.id)
    closed = datetime.combine(cycle.ends_on + timedelta(days=CLOSED_AFTER_DAYS), time(9))
    closed = min(closed.replace(tzinfo=utcnow().tzinfo), utcnow())
    session.execute(update(ReviewCycle).where(ReviewCycle.id == cycle.id).values(closed_at=closed))
    session.execute(
        update(ReviewPacket).where(ReviewPacket.cycle_id == cycle.id).values(frozen_at=closed)
    )


def load_demo_data(session: Session) -> int:
    """Add the demo organisation, ideas and awards; returns how many people were added. Run on
    an empty database."""
    people = load_demo_people(session)
    cycles = load_recognition_demo(session)
    load_demo_ideas(session)
    load_demo_nominations(session, current=cycles.current, earlier=cycles.earlier)
    add_celebrations(session, seed=2026)
    _close_earlier_cycle(session, cycles)
    session.flush()
    rebuild_rollups(session)  # the demo moves dates by hand, beside the services
    return people
