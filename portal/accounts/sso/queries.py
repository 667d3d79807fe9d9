"""Read-only queries about single sign-on."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.accounts.sso.models import OidcIdentity


def list_joined_without_manager(session: Session) -> list[User]:
    """People whose first single sign-on made their account and who still have no manager."""
    return list(
        session.scalars(
            select(User)
            .join(OidcIdentity, OidcIdentity.user_id == User.id)
            .where(
                OidcIdentity.joined_by_sign_in.is_(True),
                User.manager_id.is_(None),
                User.active.is_(True),
            )
            .order_by(User.created_at, User.id)
        )
    )
