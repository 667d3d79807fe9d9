"""What the layout shows about the signed-in person: the bell's count and the Approvals link.

Both come from one statement, built once, and only when a full page draws the layout
(fragments never call them). A full page reads them with the person themselves, in the
statement that loads the signed-in user at the start of the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g, request
from flask_login import current_user
from sqlalchemy import Integer, bindparam, exists, func, or_, select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.accounts.sessions import signed_in_person
from portal.core.db import db_session
from portal.core.extensions import login_manager
from portal.core.web import wants_fragment
from portal.notifications.models import Notification
from portal.recognition.models import (
    ApprovalStep,
    Nomination,
    NominationStatus,
    award_committee_members,
)

notifications = Notification.__table__
steps = ApprovalStep.__table__
nominations = Nomination.__table__

PERSON = bindparam("user_id", type_=Integer)
UNREAD = (
    select(func.count())
    .where(notifications.c.user_id == PERSON, notifications.c.read_at.is_(None))
    .scalar_subquery()
)
# A nomination waiting for this person's decision, or a seat on an award committee: the
# Approvals link also shows for committee members and skip-level approvers who manage no one.
# Each of the person's steps looks up its nomination by key: as a join, PostgreSQL hashed
# every pending nomination, slower to plan and to run.
LEVEL_PENDING = (
    select(nominations.c.current_level)
    .where(
        nominations.c.id == steps.c.nomination_id,
        nominations.c.status == NominationStatus.PENDING,
    )
    .scalar_subquery()
)
WAITING = exists().where(steps.c.approver_id == PERSON, steps.c.level == LEVEL_PENDING)
ON_COMMITTEE = exists().where(award_committee_members.c.user_id == PERSON)
APPROVES = or_(WAITING, ON_COMMITTEE)
LAYOUT_FACTS = select(UNREAD.label("unread"), APPROVES.label("approves"))
PERSON_WITH_LAYOUT_FACTS = select(User, UNREAD.label("unread"), APPROVES.label("approves")).where(
    User.id == PERSON
)


@dataclass(frozen=True)
class LayoutFacts:
    unread: int
    approves: bool


def get_layout_facts(session: Session, user_id: int) -> LayoutFacts:
    row = session.execute(LAYOUT_FACTS, {"user_id": user_id}).one()
    return LayoutFacts(row.unread, bool(row.approves))


def get_person_with_layout_facts(session: Session, user_id: int) -> User | None:
    """The signed-in person, keeping what the layout will show for the rest of the request."""
    row = session.execute(PERSON_WITH_LAYOUT_FACTS, {"user_id": user_id}).first()
    if row is None:
        return None
    g.layout_facts = LayoutFacts(row.unread, bool(row.approves))
    return row.User


def _facts() -> LayoutFacts:
    if "layout_facts" not in g:
        g.layout_facts = get_layout_facts(db_session(), current_user.id)
    return g.layout_facts


def unread_count() -> int:
    return _facts().unread if current_user.is_authenticated else 0


def shows_approvals() -> bool:
    if not current_user.is_authenticated:
        return False
    return current_user.is_manager or _facts().approves


def load_signed_in_person(token: str) -> User | None:
    """A full page reads the person with the layout's facts in one statement; others, alone."""
    session = db_session()
    if request.method == "GET" and not wants_fragment():
        return signed_in_person(
            token, lambda user_id: get_person_with_layout_facts(session, user_id)
        )
    return signed_in_person(token, lambda user_id: session.get(User, user_id))


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_signed_in_person)
    app.add_template_global(unread_count)
    app.add_template_global(shows_approvals)
