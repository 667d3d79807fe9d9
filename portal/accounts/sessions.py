"""A sign-in's session: started fresh, and over PORTAL_SESSION_HOURS after it began."""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import current_app, session
from flask_login import login_user

from portal.accounts.models import User


def start_session(user: User) -> None:
    """A fresh session for the signed-in person: nothing from before sign-in carries over."""
    session.clear()
    login_user(user)
    session.permanent = True
    session["signed_in_at"] = int(time.time())


def sign_in_expired() -> bool:
    started = session.get("signed_in_at")
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    return not isinstance(started, int) or time.time() - started > lifetime


def signed_in_person(token: str, load: Callable[[int], User | None]) -> User | None:
    """The person a session names, while the sign-in lasts and nobody has ended it since.

    `load` reads the person by id: the site decides how much else to read with them.
    """
    user_id, _, version = token.partition(":")
    if not user_id.isdigit() or sign_in_expired():
        return None
    user = load(int(user_id))
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user
