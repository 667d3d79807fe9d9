"""Notifications from ideas speak to the reader and name who acted."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import Role
from portal.ideas.models import IdeaStatus
from portal.ideas.services.comments import add_comment
from portal.ideas.services.reviewing import TransitionInput, transition_idea
from portal.ideas.services.voting import follow_idea
from portal.notifications.models import Notification
from tests.ideas.conftest import BASE_URL


def told(db, user) -> list[str]:
    return list(db.scalars(select(Notification.message).where(Notification.user_id == user.id)))


def test_authors_hear_about_their_idea_and_followers_about_one_they_follow(
    db, employee, make_user, make_idea
):
    co_author = make_user("co@example.com", name="Cory Coauthor")
    idea = make_idea(employee, "Paperless statements", co_author_emails=("co@example.com",))
    follower = make_user(name="Fran Follower")
    follow_idea(db, follower, idea.id)
    manager = make_user(role=Role.MANAGER, name="Mona Manager")
    transition_idea(
        db, manager, idea.id, TransitionInput(IdeaStatus.UNDER_REVIEW), base_url=BASE_URL
    )
    change = TransitionInput(IdeaStatus.APPROVED, owner_email=manager.email)
    transition_idea(db, manager, idea.id, change, base_url=BASE_URL)
    add_comment(db, follower, idea.id, "Yes please", base_url=BASE_URL)
    db.commit()

    approved = "Your idea “Paperless statements” was approved by Mona Manager"
    commented = "Fran Follower commented on your idea “Paperless statements”"
    assert approved in told(db, employee) and approved in told(db, co_author)
    assert commented in told(db, employee)
    assert "“Paperless statements”, an idea you follow, was approved by Mona Manager" in told(
        db, follower
    )
    assert len(told(db, follower)) == 2  # under review, approved; not their own comment
    assert not told(db, manager) or all("Mona Manager" not in m for m in told(db, manager))
