"""Helpers every view uses: htmx-aware rendering and redirects, safe targets, security headers."""

from __future__ import annotations

from typing import Any, TypeGuard
from urllib.parse import urlsplit

from flask import Flask, Response, make_response, redirect, render_template, request

from portal.core.extensions import htmx


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
        response = make_response(redirect(location, 303))
    response.headers["Vary"] = "HX-Request"
    return response


def is_safe_path(target: str | None) -> TypeGuard[str]:
    """Only a path on this site: no scheme, no host, no scheme-relative //host, no backslash."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(char) < 32 for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str) -> str:
    return target if is_safe_path(target) else default


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
