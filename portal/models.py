"""Imports every model module so the metadata knows every table (Alembic, tests)."""

from portal.accounts.models import Department, InvitationToken, User
from portal.audit import AuditEntry
from portal.mail import OutboxMessage
from portal.notifications.models import Notification

__all__ = ["AuditEntry", "Department", "InvitationToken", "Notification", "OutboxMessage", "User"]
