"""Signing in and out, and passwords: every attempt audited, failures throttled."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update
from sqlalchemy.orm import Session

from portal.accounts.emails import canonical_email
from portal.accounts.models import User
from portal.accounts.passwords import hash_password, needs_rehash, password_problem, verify_password
from portal.accounts.queries import find_user_by_email
from portal.accounts.throttling import Bucket, count_failure, exhausted_bucket, minutes_to_wait
from portal.core.audit import record_audit
from portal.core.errors import DomainError

SIGN_IN_THROTTLED = {
    "device": "Too many failed sign-ins from this browser. Try again in {minutes} minute(s).",
    "account": "Too many failed sign-ins to this account from browsers it has not been used "
    "on. Try again in {minutes} minute(s), or sign in from a browser you have used before.",
    "address": "Too many failed sign-ins from your network. Try again in {minutes} minute(s).",
}
PASSWORD_CHANGE_THROTTLED = "Too many wrong current passwords. Try again in {minutes} minute(s)."  # noqa: S105 - a message


class InvalidCredentials(DomainError):
    status_code = 401


class Throttled(DomainError):
    status_code = 429

    def __init__(self, message: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after


def refuse_when_throttled(
    session: Session,
    buckets: Sequence[Bucket],
    *,
    action: str,
    target: str,
    actor_id: int | None,
    messages: dict[str, str],
    field: str | None = None,
) -> None:
    """Refuse, and audit the refusal, while any of the buckets has no attempts left."""
    full = exhausted_bucket(buckets)
    if full is None:
        return
    record_audit(
        session, action, actor_id=actor_id, target=target, detail=f"{full.scope}: {full.limit}"
    )
    session.flush()
    minutes = minutes_to_wait(full)
    raise Throttled(
        messages[full.scope].format(minutes=minutes), retry_after=minutes * 60, field=field
    )


def sign_in(session: Session, email: str, password: str, buckets: Sequence[Bucket]) -> User:
    """Authenticate unless the buckets say wait; a failure counts in every one of them."""
    refuse_when_throttled(
        session,
        buckets,
        action="login_throttled",
        target=canonical_email(email)[:254],
        actor_id=None,
        messages=SIGN_IN_THROTTLED,
    )
    try:
        return authenticate(session, email, password)
    except InvalidCredentials:
        count_failure(buckets)
        raise


def authenticate(session: Session, email: str, password: str) -> User:
    """The active user with this email and password; every attempt is audited."""
    user = find_user_by_email(session, email)
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not user.active:
        record_audit(
            session,
            "login_failed",
            actor_id=user.id if user else None,
            target=canonical_email(email)[:254],
        )
        session.flush()
        raise InvalidCredentials("That email and password do not match an active account.")
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    record_audit(session, "login", actor_id=user.id, target=user.email)
    session.flush()
    return user


def end_all_sessions(session: Session, user: User) -> None:
    """Every cookie issued to this user so far stops working."""
    session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(user, ["session_version"])


def sign_out(session: Session, user: User) -> None:
    end_all_sessions(session, user)
    record_audit(session, "logout", actor_id=user.id, target=user.email)
    session.flush()


def set_password(session: Session, user: User, new_password: str, field: str = "password") -> None:
    problem = password_problem(new_password)
    if problem:
        raise DomainError(problem, field=field)
    user.password_hash = hash_password(new_password)
    end_all_sessions(session, user)


def change_password(
    session: Session, user: User, current_password: str, new_password: str, throttle: Bucket
) -> None:
    """Wrong current passwords count in `throttle`; past its limit none is checked."""
    refuse_when_throttled(
        session,
        [throttle],
        action="password_change_throttled",
        target=user.email,
        actor_id=user.id,
        messages={throttle.scope: PASSWORD_CHANGE_THROTTLED},
        field="current_password",
    )
    if not verify_password(user.password_hash, current_password):
        count_failure([throttle])
        raise DomainError("Your current password is not right.", field="current_password")
    set_password(session, user, new_password, field="new_password")
    record_audit(session, "password_changed", actor_id=user.id, target=user.email)
    session.flush()
