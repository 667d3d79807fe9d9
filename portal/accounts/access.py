"""Who may open a page: each view names the lowest role it admits."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort
from flask_login import current_user, login_required

from portal.accounts.models import Role

P = ParamSpec("P")
R = TypeVar("R")


def role_required(role: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Signed in with at least `role`; anyone else gets 403 (and an audit row)."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        @login_required
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


employee_required = role_required(Role.EMPLOYEE)
manager_required = role_required(Role.MANAGER)
admin_required = role_required(Role.ADMIN)
