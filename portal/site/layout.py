"""What the layout shows about the signed-in person: the bell's count, the Approvals link and
the counts on "Idea review" and "Approvals" (which home's "Waiting for you" reuses).

They come from one statement, built once, and only when a full page draws the layout
(fragments never call them). A full page reads them with the person themselves, in the
statement that loads the signed-in user at the start of the request. Each count walks an
index and stops at COUNT_CAP rows, so it costs the same however long the queue is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, g, request
from flask_login import current_user
from sqlalchemy import Integer, bindparam, case, exists, func, or_, select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.accounts.sessions import signed_in_person
from portal.core.db import db_session
from portal.core.extensions import login_manager
from portal.core.web import wants_fragment
from portal.ideas.models import Idea, IdeaStatus
from portal.ideas.queries.viewer import viewer_wrote
from portal.notifications.models import Notification
from portal.notifications.queries import group_key
from portal.recognition.models import (
    ApprovalStep,
    Nomination,
    NominationStatus,
    award_committee_members,
)

notifications = Notification.__table__
ideas = Idea.__table__
users = User.__table__
steps = ApprovalStep.__table__
nominations = Nomination.__table__

PERSON = bindparam("user_id", type_=Integer)
# The notifications page shows one entry per link, so the bell counts entries, not rows.
UNREAD = (
    select(func.count(func.distinct(group_key())))
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
ON_COMMITTEE = exists().where(award_committee_members.c.user_id == PERSON)
# Managers approve their reports' nominations: one with nobody reporting to them never does.
_REPORT = users.alias("report")
HAS_REPORTS = exists().where(_REPORT.c.manager_id == PERSON, _REPORT.c.active.is_(True))

# Counts stop here: the link then reads "99+".
COUNT_CAP = 100
REVIEW_STATUSES = (IdeaStatus.SUBMITTED, IdeaStatus.UNDER_REVIEW)


def _capped_count(ids: Any) -> Any:
    return select(func.count()).select_from(ids.limit(COUNT_CAP).subquery()).scalar_subquery()


def _review_count() -> Any:
    """Ideas waiting in this person's "Idea review" queue (list_review_queue's rule: admins see
    every open idea, managers their department's and those routed to them; never their own)."""
    me = users.alias("me")
    role = select(me.c.role).where(me.c.id == PERSON).scalar_subquery()
    department = select(me.c.department_id).where(me.c.id == PERSON).scalar_subquery()
    waiting = select(ideas.c.id).where(
        ideas.c.status.in_(REVIEW_STATUSES),
        or_(
            role == Role.ADMIN,
            ideas.c.department_id == department,
            ideas.c.routed_reviewer_id == PERSON,
        ),
        ~viewer_wrote(ideas.c.author_id, ideas.c.id, PERSON),
    )
    return _capped_count(waiting)


APPROVALS_COUNT = _capped_count(
    select(steps.c.nomination_id).where(
        steps.c.approver_id == PERSON, steps.c.level == LEVEL_PENDING
    )
)


def _facts_of(role: Any) -> tuple[Any, ...]:
    reviews = case((role.in_([Role.MANAGER, Role.ADMIN]), _review_count()), else_=0)
    return (
        UNREAD.label("unread"),
        ON_COMMITTEE.label("on_committee"),
        case((role.in_([Role.MANAGER, Role.ADMIN]), HAS_REPORTS), else_=False).label("reports"),
        APPROVALS_COUNT.label("approvals"),
        reviews.label("reviews"),
    )


_ROLE = select(users.c.role).where(users.c.id == PERSON).scalar_subquery()
LAYOUT_FACTS = select(*_facts_of(_ROLE))
PERSON_WITH_LAYOUT_FACTS = select(User, *_facts_of(User.role)).where(User.id == PERSON)


@dataclass(frozen=True)
class LayoutFacts:
    unread: int
    approves: bool  # has reports, is on an award committee, or a nomination waits for them
    approvals: int  # nominations waiting for their decision, up to COUNT_CAP
    reviews: int  # ideas in their review queue, up to COUNT_CAP

    @staticmethod
    def of(row: Any) -> LayoutFacts:
        approvals = int(row.approvals or 0)
        return LayoutFacts(
            int(row.unread or 0),
            approvals > 0 or bool(row.on_committee) or bool(row.reports),
            approvals,
            int(row.reviews or 0),
        )


def get_layout_facts(session: Session, user_id: int) -> LayoutFacts:
    return LayoutFacts.of(session.execute(LAYOUT_FACTS, {"user_id": user_id}).one())


def get_person_with_layout_facts(session: Session, user_id: int) -> User | None:
    """The signed-in person, keeping what the layout will show for the rest of the request."""
    row = session.execute(PERSON_WITH_LAYOUT_FACTS, {"user_id": user_id}).first()
    if row is None:
        return None
    g.layout_facts = LayoutFacts.of(row)
    return row.User


def layout_facts() -> LayoutFacts:
    if "layout_facts" not in g:
        g.layout_facts = get_layout_facts(db_session(), current_user.id)
    return g.layout_facts


def unread_count() -> int:
    return layout_facts().unread if current_user.is_authenticated else 0


def shows_approvals() -> bool:
    if not current_user.is_authenticated:
        return False
    return layout_facts().approves


def count_text(count: int) -> str:
    """A count for a link's text: "99+" once it reaches the cap."""
    return f"{COUNT_CAP - 1}+" if count >= COUNT_CAP else str(count)


def review_count() -> int:
    return layout_facts().reviews if current_user.is_authenticated else 0


def approvals_count() -> int:
    return layout_facts().approvals if current_user.is_authenticated else 0


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
    app.add_template_global(review_count)
    app.add_template_global(approvals_count)
    app.add_template_filter(count_text)
