"""Actors for changes that no signed-in person makes: a directory's token, a first sign-in."""

from __future__ import annotations

from portal.accounts.models import Role, User


def system_actor(label: str) -> User:
    """A stand-in acting user for the accounts services; never stored, it has no id.

    The services take the acting user for their audit rows and for rules about oneself (no one
    deactivates themselves or changes their own role). An actor without an id leaves the audit
    row's actor empty and matches no person, so those rules judge the change on its own.
    """
    return User(email=label, display_name=label, role=Role.ADMIN)
