"""Invitations: a single-use emailed link with which a new person sets their password."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.accounts.models import InvitationToken, User
from portal.accounts.passwords import password_problem
from portal.accounts.services.signing_in import set_password
from portal.core.audit import record_audit
from portal.core.db import rows_changed, utcnow
from portal.core.errors import Conflict, DomainError, NotFound
from portal.core.mail import enqueue_email


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_invitation(session: Session, user: User, base_url: str, valid_days: int) -> str:
    """Create a single-use link to set a password and mail it; returns the raw token."""
    if not user.active:
        raise DomainError(f"{user.email} is deactivated; reactivate them before inviting them.")
    token = secrets.token_urlsafe(32)
    session.add(
        InvitationToken(
            user_id=user.id,
            token_hash=_token_digest(token),
            expires_at=utcnow() + timedelta(days=valid_days),
        )
    )
    link = f"{base_url.rstrip('/')}/invitations/{token}"
    enqueue_email(
        session,
        user.email,
        "You are invited to the Ideas & Recognition portal",
        f"Hello {user.display_name},\n\nSet your password to sign in:\n{link}\n\n"
        f"The link works once and expires in {valid_days} days.\n",
    )
    return token


def find_valid_invitation(session: Session, token: str) -> InvitationToken:
    invitation = session.scalar(
        select(InvitationToken)
        .join(User, InvitationToken.user_id == User.id)
        .where(InvitationToken.token_hash == _token_digest(token), User.active.is_(True))
    )
    if invitation is None or invitation.used_at is not None or invitation.expires_at < utcnow():
        raise NotFound("This invitation link is not valid any more. Ask an admin for a new one.")
    return invitation


def accept_invitation(session: Session, token: str, new_password: str) -> User:
    invitation = find_valid_invitation(session, token)
    problem = password_problem(new_password)
    if problem:
        raise DomainError(problem, field="password")
    # Claim the token atomically so two submissions cannot both use it.
    claimed = rows_changed(
        session,
        update(InvitationToken)
        .where(InvitationToken.id == invitation.id, InvitationToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False),
    )
    if claimed != 1:
        raise Conflict("This invitation link has already been used.")
    # Older links to the same person stop working too: a password is set only once this way.
    session.execute(
        update(InvitationToken)
        .where(InvitationToken.user_id == invitation.user_id, InvitationToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    user = session.get_one(User, invitation.user_id)
    set_password(session, user, new_password)
    record_audit(session, "invitation_accepted", actor_id=user.id, target=user.email)
    session.flush()
    return user
