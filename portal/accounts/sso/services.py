"""Signing in through the company's OpenID provider: matching the provider's person to ours."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.accounts.queries import find_user_by_email
from portal.accounts.services.people import PersonDetails, create_person, normalize_email
from portal.accounts.sso.actors import system_actor
from portal.accounts.sso.models import OidcIdentity
from portal.core.audit import record_audit
from portal.core.db import utcnow
from portal.core.errors import DomainError


class SignInRefused(DomainError):
    """The provider vouched for someone the portal will not let in."""

    status_code = 403


def find_identity(session: Session, issuer: str, subject: str) -> OidcIdentity | None:
    return session.scalar(
        select(OidcIdentity).where(OidcIdentity.issuer == issuer, OidcIdentity.subject == subject)
    )


def record_sign_in_failure(session: Session, issuer: str, reason: str) -> None:
    """A sign-in that went wrong between us and the provider: no one is signed in."""
    record_audit(session, "sso_failed", actor_id=None, target=issuer, detail=reason)
    session.flush()


def _refuse(session: Session, issuer: str, who: str, reason: str, message: str) -> SignInRefused:
    record_audit(session, "sso_refused", actor_id=None, target=who, detail=f"{issuer}: {reason}")
    session.flush()
    return SignInRefused(message)


def _email_is_verified(claims: Mapping[str, Any]) -> bool:
    verified = claims.get("email_verified")
    return verified is True or (isinstance(verified, str) and verified.lower() == "true")


def _display_name(claims: Mapping[str, Any], email: str) -> str:
    name = claims.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()[:120]
    parts = [claims.get("given_name"), claims.get("family_name")]
    joined = " ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
    return (joined or email.split("@")[0])[:120]


def _match_by_email(
    session: Session, issuer: str, claims: Mapping[str, Any], create_users: bool
) -> tuple[User, bool]:
    """The person with the provider's verified email, made first when allowed; and if made."""
    raw_email = claims.get("email")
    subject = str(claims["sub"])
    if not isinstance(raw_email, str) or not raw_email.strip():
        raise _refuse(
            session,
            issuer,
            subject,
            "no email",
            "Your identity provider did not tell us your email address, so we cannot find "
            "your account. Ask your IT team to release the email claim to the portal.",
        )
    if not _email_is_verified(claims):
        raise _refuse(
            session,
            issuer,
            raw_email,
            "email not verified",
            f"Your identity provider has not verified {raw_email}, so we cannot link it to an "
            "account. Ask your IT team to verify the address, then sign in again.",
        )
    try:
        email = normalize_email(raw_email)
    except DomainError as error:
        raise _refuse(session, issuer, raw_email, "invalid email", error.message) from error
    user = find_user_by_email(session, email)
    if user is not None:
        return user, False
    if not create_users:
        raise _refuse(
            session,
            issuer,
            email,
            "unknown email",
            f"No one in the portal has the email {email}. Ask an admin to add you to the org "
            "chart, then sign in again.",
        )
    details = PersonDetails(email=email, display_name=_display_name(claims, email))
    try:
        user = create_person(session, system_actor("single sign-on"), details)
    except DomainError as error:
        raise _refuse(session, issuer, email, "account not created", error.message) from error
    record_audit(session, "sso_joined", actor_id=user.id, target=email, detail=issuer)
    return user, True


def _link(session: Session, user: User, issuer: str, subject: str, joined: bool) -> OidcIdentity:
    try:
        with session.begin_nested():
            identity = OidcIdentity(
                user_id=user.id, issuer=issuer, subject=subject, joined_by_sign_in=joined
            )
            session.add(identity)
    except IntegrityError:
        # The same person signing in twice at once: the other request linked them. Anything
        # else is this person already linked to another account at the provider.
        linked = find_identity(session, issuer, subject)
        if linked is None or linked.user_id != user.id:
            raise _refuse(
                session,
                issuer,
                user.email,
                "linked to another subject",
                f"{user.email} is already linked to another account at your identity provider. "
                "Ask an admin for help.",
            ) from None
        return linked
    return identity


def sign_in_with_provider(
    session: Session, issuer: str, claims: Mapping[str, Any], *, create_users: bool
) -> User:
    """The active person the provider's validated ID token names; every attempt is audited.

    A person is found by the subject already linked to them, or else, the first time, by a
    verified email, and then the subject is linked to them for good.
    """
    subject = str(claims["sub"])
    identity = find_identity(session, issuer, subject)
    if identity is not None:
        user = session.get_one(User, identity.user_id)
    else:
        user, joined = _match_by_email(session, issuer, claims, create_users)
        if user.active:
            identity = _link(session, user, issuer, subject, joined)
    if not user.active:
        raise _refuse(
            session,
            issuer,
            user.email,
            "deactivated",
            "Your portal account is deactivated. Ask an admin if you think this is a mistake.",
        )
    assert identity is not None
    identity.last_sign_in_at = utcnow()
    record_audit(session, "login", actor_id=user.id, target=user.email, detail="single sign-on")
    session.flush()
    return user
