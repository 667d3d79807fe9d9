"""`flask demo load`: the small demo, loaded through the services as people would make it."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.demo.ideas import load_demo_ideas
from portal.demo.organisation import load_demo_people
from portal.demo.recognition import load_recognition_demo
from portal.leaderboards.rollups import rebuild_rollups


def database_is_empty(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(User)) == 0


def load_demo_data(session: Session) -> int:
    """Add the demo organisation, ideas and awards; returns how many people were added. Run on
    an empty database."""
    people = load_demo_people(session)
    load_demo_ideas(session)
    load_recognition_demo(session)
    rebuild_rollups(session)  # the demo moves dates by hand, beside the services
    return people
