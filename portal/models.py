"""Imports every model module so the metadata knows every table (Alembic, tests)."""

from portal.accounts.models import Department, InvitationToken, User
from portal.audit import AuditEntry
from portal.ideas.models import (
    Campaign,
    Category,
    Comment,
    Follow,
    Idea,
    IdeaCoAuthor,
    IdeaEvent,
    Impact,
    Vote,
)
from portal.mail import OutboxMessage
from portal.notifications.models import Notification

__all__ = [
    "AuditEntry",
    "Campaign",
    "Category",
    "Comment",
    "Department",
    "Follow",
    "Idea",
    "IdeaCoAuthor",
    "IdeaEvent",
    "Impact",
    "InvitationToken",
    "Notification",
    "OutboxMessage",
    "User",
    "Vote",
]
