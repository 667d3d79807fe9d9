"""Imports every model module so the metadata knows every table (Alembic, tests)."""

from portal.accounts.models import Department, InvitationToken, User
from portal.audit import AuditEntry
from portal.mail import OutboxMessage

__all__ = ["AuditEntry", "Department", "InvitationToken", "OutboxMessage", "User"]
