"""What admins do to people, beyond the rules in accounts.services."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.accounts.services.invitations import issue_invitation
from portal.accounts.services.people import PersonDetails, create_person


def add_person(
    session: Session, actor: User, details: PersonDetails, *, base_url: str, invitation_days: int
) -> User:
    """Create the account and email the person a link to set their password."""
    user = create_person(session, actor, details)
    issue_invitation(session, user, base_url, invitation_days)
    return user
