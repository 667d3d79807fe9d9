"""Bearer tokens that directories provision people with: made and revoked by admins."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.models import User
from portal.core.audit import record_audit
from portal.core.db import rows_changed, utcnow
from portal.core.errors import Conflict, DomainError, NotFound
from portal.scim.models import ScimToken

PREFIX = "scim_"
NAME_LENGTH = 80


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise DomainError("Name the token after the directory that will use it.", field="name")
    if len(cleaned) > NAME_LENGTH or any(ord(char) < 32 for char in cleaned):
        raise DomainError(f"Use at most {NAME_LENGTH} plain characters.", field="name")
    return cleaned


def create_token(session: Session, actor: User | None, name: str) -> tuple[ScimToken, str]:
    """A new token and its secret, which is shown this once: only its hash is kept."""
    name = _clean_name(name)
    taken = Conflict(
        f"A token named “{name}” exists already (revoked ones keep their names).", field="name"
    )
    if session.scalar(select(ScimToken.id).where(ScimToken.name == name)) is not None:
        raise taken
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ScimToken(
        name=name, token_hash=token_digest(raw), created_by_id=actor.id if actor else None
    )
    try:
        with session.begin_nested():
            session.add(token)
    except IntegrityError as error:
        raise taken from error
    record_audit(session, "scim_token_created", actor_id=actor.id if actor else None, target=name)
    session.flush()
    return token, raw


def revoke_token(session: Session, actor: User | None, token: ScimToken) -> ScimToken:
    """The token stops working at once; revoking twice changes nothing."""
    revoked = rows_changed(
        session,
        update(ScimToken)
        .where(ScimToken.id == token.id, ScimToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False),
    )
    session.refresh(token)
    if revoked:
        record_audit(
            session, "scim_token_revoked", actor_id=actor.id if actor else None, target=token.name
        )
        session.flush()
    return token


def find_token_by_name(session: Session, name: str) -> ScimToken:
    token = session.scalar(select(ScimToken).where(ScimToken.name == " ".join(name.split())))
    if token is None:
        raise NotFound(f"No SCIM token is named “{name}”.")
    return token


def find_active_token(session: Session, raw: str) -> ScimToken | None:
    if not raw.startswith(PREFIX):
        return None
    return session.scalar(
        select(ScimToken).where(
            ScimToken.token_hash == token_digest(raw), ScimToken.revoked_at.is_(None)
        )
    )


LAST_USE_PRECISION = timedelta(minutes=1)


def note_token_change(session: Session, token: ScimToken) -> None:
    """Remember when the token last changed something, to the minute.

    Every change of a provisioning run would otherwise update this one row, and on PostgreSQL
    each request would wait for the row lock of the one before it until that one commits.
    """
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USE_PRECISION:
        return
    session.execute(
        update(ScimToken)
        .where(
            ScimToken.id == token.id,
            or_(
                ScimToken.last_used_at.is_(None),
                ScimToken.last_used_at < now - LAST_USE_PRECISION,
            ),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(token, "last_used_at", now)
