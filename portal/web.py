"""Helpers every view uses: htmx-aware rendering and redirects, role checks, safe targets."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, abort, make_response, redirect, render_template, request
from flask_login import current_user, login_required

from portal.accounts.models import Role
from portal.extensions import htmx

P = ParamSpec("P")
R = TypeVar("R")


def render(
    template: str, fragment: str | None = None, status: int = 200, **context: Any
) -> Response:
    """Render the full page, or only its fragment when htmx asks for it."""
    chosen = fragment if fragment and wants_fragment() else template
    response = make_response(render_template(chosen, **context), status)
    response.headers["Vary"] = "HX-Request, HX-History-Restore-Request"
    return response


def wants_fragment() -> bool:
    """An htmx request swapping part of a page; restoring history or boosting needs it whole."""
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


def redirect_to(location: str) -> Response:
    """A 303 after a form post; for htmx, a client-side redirect it follows itself."""
    if htmx:
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
    else:
        response = redirect(location, 303)
    response.headers["Vary"] = "HX-Request"
    return response


def is_safe_path(target: str | None) -> bool:
    """Only a path on this site: no scheme, no host, no scheme-relative //host, no backslash."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(char) < 32 for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str) -> str:
    return target if is_safe_path(target) else default


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

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def add_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["HSTS"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static":
            headers.setdefault("Cache-Control", "no-store")
        return response
